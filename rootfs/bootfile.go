package rootfs

import (
	"fmt"
	"path"
	"strings"
)

// BootFile returns the boot script erlinit will start a release with, as
// its find_boot_path picks it: releases/<vsn>/<name>.boot for erlinit's
// --boot name when given and present, else the first .boot file there.
// vsn is the second word of releases/start_erl.data. root is where the
// release is in t ("" for a release tree, ReleasePath in an image).
func BootFile(t *Tree, root, name string) (string, error) {
	startErl := path.Join(root, "releases/start_erl.data")
	data, err := readTreeFile(t, startErl, maxStartErlData)
	if err != nil {
		return "", err
	}
	words := strings.Fields(string(data))
	if len(words) != 2 {
		return "", fmt.Errorf("%s: expected \"<erts-vsn> <release-vsn>\", found %q", startErl, data)
	}
	dir := path.Join(root, "releases", words[1])
	if name != "" {
		if p := path.Join(dir, name+".boot"); t.Lookup(p) != nil {
			return p, nil
		}
	}
	for _, e := range subtree(t, dir) {
		if path.Dir(e.Path) == dir && path.Ext(e.Path) == ".boot" && (e.Kind == File || e.Kind == Hardlink) {
			return e.Path, nil
		}
	}
	return "", fmt.Errorf("%s: no .boot file", dir)
}
