package erlang

import (
	"fmt"
	"path"

	"github.com/firmwright/firmwright/erlang/erlinit"
	"github.com/firmwright/firmwright/rootfs"
)

// BootFile returns the boot script erlinit will start a release with, as
// its find_boot_path picks it: releases/<vsn>/<name>.boot for erlinit's
// --boot name when given and present, else the first .boot file there.
// vsn is the release version in releases/start_erl.data, read by the
// rules CheckRelease uses (ParseStartErl). root is where the release is in
// t ("" for a release tree, ReleasePath in an image).
func BootFile(t *rootfs.Tree, root, name string) (string, error) {
	startErl := path.Join(root, "releases/start_erl.data")
	data, err := t.ReadFile(startErl, maxStartErlData)
	if err != nil {
		return "", err
	}
	_, relVsn, err := erlinit.ParseStartErl(data)
	if err != nil {
		return "", fmt.Errorf("%s %w", startErl, err)
	}
	dir := path.Join(root, "releases", relVsn)
	if name != "" {
		if p := path.Join(dir, name+".boot"); t.Lookup(p) != nil {
			return p, nil
		}
	}
	for _, e := range t.Subtree(dir) {
		if path.Dir(e.Path) == dir && path.Ext(e.Path) == ".boot" && (e.Kind == rootfs.File || e.Kind == rootfs.Hardlink) {
			return e.Path, nil
		}
	}
	return "", fmt.Errorf("%s: no .boot file", dir)
}

// maxStartErlData bounds the start_erl.data CheckRelease and BootFile read.
const maxStartErlData = 4096
