package erlang

import (
	"fmt"
	"path"
	"strings"

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
	_, relVsn, err := ParseStartErl(data)
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

// maxStartErlWord is the longest version erlinit's read_start_erl takes:
// it reads the file with fscanf("%32s %32s"), which would cut a longer
// word in two.
const maxStartErlWord = 32

// ParseStartErl reads releases/start_erl.data as erlinit does: its first
// two whitespace-separated words are the ERTS version and the release
// version, each at most 32 bytes; anything after them is ignored. The
// error reads after the file's name.
func ParseStartErl(data []byte) (ertsVsn, relVsn string, err error) {
	// fscanf's %s stops at C's isspace: space, \t, \n, \v, \f, \r.
	words := strings.FieldsFunc(string(data), func(r rune) bool {
		return r == ' ' || r >= '\t' && r <= '\r'
	})
	if len(words) < 2 || len(words[0]) > maxStartErlWord || len(words[1]) > maxStartErlWord {
		return "", "", fmt.Errorf("holds %q (expected \"<erts-version> <release-version>\", each at most %d bytes)",
			strings.TrimSpace(string(data)), maxStartErlWord)
	}
	return words[0], words[1], nil
}
