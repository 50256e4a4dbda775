package squashfs

import (
	"github.com/firmwright/firmwright/rootfs"
)

// dataOrder lists the files whose contents to store, in the order to
// store them: those order names first, in its order (a directory stands
// for the files under it), then the rest in tree order. Names that are
// not in the tree are skipped, as mksquashfs skips sort-file entries
// that match nothing: a priority list written for one release may name
// files another does not have.
func dataOrder(ft *fileTree, order []string) []*inode {
	if len(order) == 0 {
		return ft.files
	}
	placed := make(map[*inode]bool, len(ft.files))
	out := make([]*inode, 0, len(ft.files))
	var add func(ino *inode)
	add = func(ino *inode) {
		switch {
		case ino.kind == rootfs.Dir:
			for _, c := range ino.children {
				add(c.node)
			}
		case ino.kind == rootfs.File && ino.entry.Size > 0 && !placed[ino]:
			placed[ino] = true
			out = append(out, ino)
		}
	}
	for _, p := range order {
		if ino := ft.byPath[rootfs.Clean(p)]; ino != nil {
			add(ino)
		}
	}
	for _, f := range ft.files {
		if !placed[f] {
			out = append(out, f)
		}
	}
	return out
}
