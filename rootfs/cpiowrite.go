package rootfs

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// WriteCPIO writes t as a newc cpio archive (magic 070701), the format
// the kernel unpacks as an initramfs. Entries go in tree order, so every
// directory comes before what it holds. Inode numbers are given in that
// order from 1 and device numbers are 0, so the bytes depend only on the
// tree. A hard-link group shares its file's inode; the file's first name
// carries the data and the others none, which is what the kernel's
// unpacker expects (it links later names to the first) and FromCPIO
// reads back.
func WriteCPIO(w io.Writer, t *Tree) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	ino := map[string]uint32{}
	nlink := map[string]uint32{}
	for _, e := range t.Entries {
		if e.Kind == Hardlink {
			nlink[e.Link]++
		}
	}
	for i, e := range t.Entries {
		h := newcHeader{ino: uint32(i + 1), uid: e.UID, gid: e.GID, nlink: 1, mtime: uint32(e.ModTime.Unix())}
		var body io.Reader
		var closer io.Closer
		mode, err := cpioMode(e)
		if err != nil {
			return err
		}
		h.mode = mode
		switch e.Kind {
		case Dir:
			h.nlink = 2
		case File:
			ino[e.Path] = h.ino
			h.nlink += nlink[e.Path]
			h.filesize = uint32(e.Size)
			if e.Size > 1<<32-1 {
				return fmt.Errorf("cpio: %s: %d bytes is more than newc can hold", e.Path, e.Size)
			}
			if e.Size > 0 {
				rc, err := e.Open()
				if err != nil {
					return fmt.Errorf("cpio: %s: %w", e.Path, err)
				}
				body, closer = io.LimitReader(rc, e.Size), rc
			}
		case Hardlink:
			n, ok := ino[e.Link]
			if !ok {
				return fmt.Errorf("cpio: %s: hard link to %s, which is not an earlier file", e.Path, e.Link)
			}
			h.ino, h.nlink = n, 1+nlink[e.Link]
		case Symlink:
			h.filesize = uint32(len(e.Link))
			body = strings.NewReader(e.Link)
		case CharDevice, BlockDevice:
			h.rdevmajor, h.rdevminor = e.DevMajor, e.DevMinor
		}
		err = writeNewc(bw, e.Path, h, body)
		if closer != nil {
			closer.Close()
		}
		if err != nil {
			return fmt.Errorf("cpio: %s: %w", e.Path, err)
		}
	}
	if err := writeNewc(bw, newcTrailer, newcHeader{nlink: 1}, nil); err != nil {
		return err
	}
	return bw.Flush()
}

// cpioMode is st_mode: the file type bits and the permissions.
func cpioMode(e *Entry) (uint32, error) {
	perm := uint32(e.Mode & fs.ModePerm)
	if e.Mode&fs.ModeSetuid != 0 {
		perm |= 0o4000
	}
	if e.Mode&fs.ModeSetgid != 0 {
		perm |= 0o2000
	}
	if e.Mode&fs.ModeSticky != 0 {
		perm |= 0o1000
	}
	switch e.Kind {
	case File, Hardlink:
		return 0o100000 | perm, nil
	case Dir:
		return 0o040000 | perm, nil
	case Symlink:
		return 0o120000 | 0o777, nil
	case CharDevice:
		return 0o020000 | perm, nil
	case BlockDevice:
		return 0o060000 | perm, nil
	case FIFO:
		return 0o010000 | perm, nil
	case Socket:
		return 0o140000 | perm, nil
	}
	return 0, fmt.Errorf("cpio: %s: cannot store a %s", e.Path, e.Kind)
}

// writeNewc writes one member: header, name, padding, data, padding.
func writeNewc(w *bufio.Writer, name string, h newcHeader, body io.Reader) error {
	fields := [...]uint32{h.ino, h.mode, h.uid, h.gid, h.nlink, h.mtime, h.filesize,
		h.devmajor, h.devminor, h.rdevmajor, h.rdevminor, uint32(len(name) + 1), 0}
	fmt.Fprintf(w, "070701")
	for _, f := range fields {
		fmt.Fprintf(w, "%08X", f)
	}
	w.WriteString(name)
	w.WriteByte(0)
	pad(w, newcHeaderSize+int64(len(name))+1)
	if body == nil {
		return nil
	}
	n, err := io.Copy(w, body)
	if err != nil {
		return err
	}
	if n != int64(h.filesize) {
		return fmt.Errorf("contents are %d bytes, expected %d", n, h.filesize)
	}
	pad(w, n)
	return nil
}

func pad(w *bufio.Writer, n int64) {
	for i := n; i < align4(n); i++ {
		w.WriteByte(0)
	}
}
