package builder

import (
	"fmt"
	"os"
	"path/filepath"
)

// A directory given as a base is a root filesystem tree. Buildroot's
// images/ folder is the other directory a user has at hand, and read as a
// tree it would make a root filesystem of a kernel and some archives that
// boots nothing, so it is recognised and refused, naming the root
// filesystem inside it to pass instead.

// rootDirs are entries every root filesystem has at least one of.
var rootDirs = []string{"bin", "etc", "lib", "sbin", "usr"}

// notImagesFolder fails when dir looks like an images/ folder: it holds a
// root filesystem image or rpi-firmware/, and no top-level entry a root
// filesystem has.
func notImagesFolder(dir string) error {
	for _, n := range rootDirs {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			return nil
		}
	}
	inner, findErr := FindBase(dir)
	if findErr == nil {
		return fmt.Errorf("%s: a Buildroot images/ folder, where a root filesystem was expected: pass the root filesystem in it, %s", dir, inner)
	}
	if fi, err := os.Stat(filepath.Join(dir, "rpi-firmware")); err == nil && fi.IsDir() {
		return fmt.Errorf("%s: a Buildroot images/ folder (it has rpi-firmware/), where a root filesystem was expected; and it holds none: %w", dir, findErr)
	}
	return nil
}
