package upload

import (
	"fmt"
	"io"
	"strings"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/meta"
)

// Firmware is what a .fw says of itself, read before connecting so that
// a file that is no firmware goes nowhere.
type Firmware struct {
	Product, Version, Platform, Architecture, UUID string
}

// ReadFirmware reads the meta.conf at the front of the archive r.
func ReadFirmware(r io.Reader, name string, env map[string]string) (*Firmware, error) {
	m, err := meta.Read(archive.NewReader(r), name, nil, env)
	if err != nil {
		return nil, fmt.Errorf("%s: not a firmware archive: %w", name, err)
	}
	v := func(k string) string { s, _ := m.Value(k); return s }
	return &Firmware{Product: v("meta-product"), Version: v("meta-version"), Platform: v("meta-platform"),
		Architecture: v("meta-architecture"), UUID: m.UUID}, nil
}

// Summary is the line that says what goes where.
func (f *Firmware) Summary(dest string) string {
	var what []string
	for _, s := range []string{f.Product, f.Version} {
		if s != "" {
			what = append(what, s)
		}
	}
	if len(what) == 0 {
		what = append(what, "firmware")
	}
	var on []string
	for _, s := range []string{f.Platform, f.Architecture} {
		if s != "" {
			on = append(on, s)
		}
	}
	plat := ""
	if len(on) > 0 {
		plat = " for " + strings.Join(on, "/")
	}
	return fmt.Sprintf("%s%s, uuid %s → %s", strings.Join(what, " "), plat, f.UUID, dest)
}
