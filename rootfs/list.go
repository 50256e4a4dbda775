package rootfs

import (
	"fmt"
	"io/fs"
	"strings"
)

// ListLine describes an entry in one line, as `unsquashfs -lln` would:
// mode, owner, size (or device numbers), mtime, path and link target.
func ListLine(e *Entry) string {
	var b strings.Builder
	b.WriteString(modeString(e))
	fmt.Fprintf(&b, " %d/%d ", e.UID, e.GID)
	switch e.Kind {
	case CharDevice, BlockDevice:
		fmt.Fprintf(&b, "%8s", fmt.Sprintf("%d,%d", e.DevMajor, e.DevMinor))
	case Symlink:
		fmt.Fprintf(&b, "%8d", len(e.Link))
	default:
		fmt.Fprintf(&b, "%8d", e.Size)
	}
	fmt.Fprintf(&b, " %s /%s", e.ModTime.UTC().Format("2006-01-02 15:04"), strings.TrimPrefix(e.Path, "."))
	switch e.Kind {
	case Symlink:
		b.WriteString(" -> " + e.Link)
	case Hardlink:
		b.WriteString(" link to /" + e.Link)
	}
	return b.String()
}

// modeString is ls's mode column: type letter, then rwx with s/t.
func modeString(e *Entry) string {
	kind := map[Kind]byte{File: '-', Hardlink: '-', Dir: 'd', Symlink: 'l', CharDevice: 'c', BlockDevice: 'b', FIFO: 'p', Socket: 's'}[e.Kind]
	out := []byte{kind}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if e.Mode&(1<<(8-i)) != 0 {
			out = append(out, rwx[i])
		} else {
			out = append(out, '-')
		}
	}
	special := func(bit fs.FileMode, at int, set, unset byte) {
		if e.Mode&bit != 0 {
			if out[at] == '-' {
				out[at] = unset
			} else {
				out[at] = set
			}
		}
	}
	special(fs.ModeSetuid, 3, 's', 'S')
	special(fs.ModeSetgid, 6, 's', 'S')
	special(fs.ModeSticky, 9, 't', 'T')
	return string(out)
}
