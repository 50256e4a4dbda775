package builder

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FwupEnvFile is the file in a kept work folder that sets, for a shell,
// the variables fwup.conf is read with: with it a real fwup makes the
// .fw firmwright makes, for comparing the two (examples/bench-vs-c does):
//
//	. DIR/fwup.env && fwup -c -f "$FIRMWRIGHT_SYSTEM/fwup.conf" -o same.fw
const FwupEnvFile = "fwup.env"

// workDirFolders are the folders a build makes in its work folder: the
// configs and system systems.Materialize copies out, the boot fragments.
var workDirFolders = []string{"configs", "system", "boot"}

// workDir is where a build's intermediate files go, and what removes them
// afterwards: a temporary folder, or the kept Spec.WorkDir.
func workDir(spec Spec) (string, func(), error) {
	if spec.WorkDir != "" {
		// Absolute: fwup.conf's includes and fwup.env name paths in it.
		dir, err := filepath.Abs(spec.WorkDir)
		if err != nil {
			return "", nil, fmt.Errorf("--work-dir: %w", err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, fmt.Errorf("--work-dir: %w", err)
		}
		// The folders an earlier build kept are made again.
		for _, name := range workDirFolders {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return "", nil, fmt.Errorf("--work-dir: %w", err)
			}
		}
		return dir, func() {}, nil
	}
	tmp, err := os.MkdirTemp(spec.TempDir, "firmwright-build-")
	if err != nil {
		return "", nil, err
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// writeFwupEnv writes env as shell assignments, exported, sorted.
func writeFwupEnv(path string, env map[string]string) error {
	var b strings.Builder
	b.WriteString("# The variables firmwright build read fwup.conf with; source it before fwup -c.\n")
	for _, k := range slices.Sorted(maps.Keys(env)) {
		fmt.Fprintf(&b, "export %s='%s'\n", k, strings.ReplaceAll(env[k], "'", `'\''`))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// writeFunc writes a file at path with mode from what fill writes to it
// (an *os.File), whole or not at all.
type writeFunc func(path string, mode os.FileMode, fill func(w io.Writer) error) error

// writeScratch writes a file in a build's temporary folder, which is
// removed when the build ends, however it ends: so neither a temporary
// name nor an fsync (10 ms of the rpi4 example's rootfs) is needed. It
// removes what it wrote when fill fails.
func writeScratch(path string, mode os.FileMode, fill func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	err = fill(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
