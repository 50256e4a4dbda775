package builder

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"github.com/firmwright/firmwright/fwup/conf"
)

// fwupConfig is a system's fwup.conf, parsed before any work is done so
// that the checks can read its layout.
type fwupConfig struct {
	path string
	data []byte
	// env is what the config sees; vars is env after its define()s.
	env, vars map[string]string
	root      *conf.Section
}

func parseConfig(path string, env map[string]string) (*fwupConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vars := maps.Clone(env)
	// These stay for the device to fill in, as fwup -c leaves them.
	vars["FWUP_META_UUID"] = "${FWUP_META_UUID}"
	vars["FWUP_META_NICKNAME"] = "${FWUP_META_NICKNAME}"
	root, err := conf.Parse(path, filepath.Dir(path), data, conf.Options{Env: vars})
	if err != nil {
		return nil, err
	}
	return &fwupConfig{path: path, data: data, env: env, vars: vars, root: root}, nil
}

// partitionCount is the MBR block count of the partition starting at
// offset, or 0.
func (c *fwupConfig) partitionCount(offset int64) int64 {
	for _, m := range c.root.Sections("mbr") {
		for _, p := range m.Sections("partition") {
			if p.Int("block-offset") == offset {
				return p.Int("block-count")
			}
		}
	}
	return 0
}

// blocks is a variable's value as a block count, with its name in the
// error when it is missing.
func (c *fwupConfig) blocks(name string) (int64, error) {
	s, ok := c.vars[name]
	if !ok {
		return 0, fmt.Errorf("%s: %s is not defined", c.path, name)
	}
	n, err := conf.ParseInt(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s: %s=%q: expected a positive number of 512-byte blocks", c.path, name, s)
	}
	return n, nil
}
