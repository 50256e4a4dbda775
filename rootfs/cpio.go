package rootfs

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
)

// FromCPIO reads a cpio archive in the SVR4 "newc" format (magic 070701)
// or its checksummed variant (070702, regular files' checksums verified), as
// `cpio -o -H newc` and the kernel's initramfs use: plain, or compressed
// like FromTar (and with the same tmpDir rule). Device numbers
// (rdevmajor/rdevminor) are kept. Regular files with more than one link
// that share (ino, devmajor, devminor, mode) are one file: the first name
// in archive order becomes the File and the others Hardlinks to it, and
// the contents are those of the last member that carries any, which is
// where GNU cpio puts them and what the kernel would extract. Reading
// stops at the TRAILER!!! entry. See build.go for the rules every reader
// follows.
func FromCPIO(path, tmpDir string) (*Tree, error) {
	src, err := OpenArchive(path, tmpDir)
	if err != nil {
		return nil, err
	}
	return ReadCPIO(src)
}

// newcHeader is a newc header's fields, in order.
type newcHeader struct {
	ino, mode, uid, gid, nlink, mtime, filesize    uint32
	devmajor, devminor, rdevmajor, rdevminor, size uint32
	check                                          uint32
}

const (
	newcHeaderSize = 110
	// newcMaxName bounds a name's length (Linux PATH_MAX).
	newcMaxName = 4096
	newcTrailer = "TRAILER!!!"
)

// parseNewc decodes a 110-byte header; crc reports the 070702 magic.
func parseNewc(b []byte) (h newcHeader, crc bool, err error) {
	switch string(b[:6]) {
	case "070701":
	case "070702":
		crc = true
	case "070707":
		return h, false, errors.New(`old "odc" cpio format; expected newc (070701)`)
	default:
		return h, false, fmt.Errorf("bad magic %q; expected newc cpio (070701 or 070702)", b[:6])
	}
	var f [13]uint32
	var raw [4]byte
	for i := range f {
		if _, err := hex.Decode(raw[:], b[6+8*i:14+8*i]); err != nil {
			return h, false, fmt.Errorf("bad hex in header field %d: %q", i, b[6+8*i:14+8*i])
		}
		f[i] = uint32(raw[0])<<24 | uint32(raw[1])<<16 | uint32(raw[2])<<8 | uint32(raw[3])
	}
	h = newcHeader{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12]}
	return h, crc, nil
}

func align4(n int64) int64 { return (n + 3) &^ 3 }

// cpioLink identifies one multiply-linked file.
type cpioLink struct{ ino, devmajor, devminor, mode uint32 }

// ReadCPIO reads a newc or crc cpio archive's uncompressed bytes into a
// Tree.
func ReadCPIO(src Source) (*Tree, error) {
	ra, c, err := src.ReaderAt()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	b := NewBuilder(src.Name)
	first := map[cpioLink]*Entry{}
	var hdr [newcHeaderSize]byte
	var off int64
	last := "(none)"
	for {
		if _, err := ra.ReadAt(hdr[:], off); err != nil {
			return nil, fmt.Errorf("%s: reading the cpio header at offset %d, after entry %s: %w", src.Name, off, last, noEOF(err))
		}
		h, crc, err := parseNewc(hdr[:])
		if err != nil {
			return nil, fmt.Errorf("%s: header at offset %d, after entry %s: %w", src.Name, off, last, err)
		}
		if h.size == 0 || h.size > newcMaxName {
			return nil, fmt.Errorf("%s: header at offset %d, after entry %s: name size %d out of range 1..%d", src.Name, off, last, h.size, newcMaxName)
		}
		name := make([]byte, h.size)
		if _, err := ra.ReadAt(name, off+newcHeaderSize); err != nil {
			return nil, fmt.Errorf("%s: reading the name at offset %d: %w", src.Name, off+newcHeaderSize, noEOF(err))
		}
		if name[len(name)-1] != 0 || bytes.IndexByte(name[:len(name)-1], 0) >= 0 {
			return nil, fmt.Errorf("%s: name at offset %d is not one NUL-terminated string", src.Name, off+newcHeaderSize)
		}
		raw := string(name[:len(name)-1])
		last = raw
		data := align4(off + newcHeaderSize + int64(h.size))
		off = align4(data + int64(h.filesize))
		if raw == newcTrailer {
			break
		}
		if crc && KindFromUnix(h.mode) == File {
			if err := checkNewcSum(ra, data, h); err != nil {
				return nil, b.Errorf(raw, "%v", err)
			}
		}
		e, err := cpioEntry(b, raw, h, ra, data)
		if err != nil {
			return nil, err
		}
		if e.Kind == File {
			e.Open = src.Opener(data, e.Size)
			if h.nlink > 1 {
				k := cpioLink{h.ino, h.devmajor, h.devminor, h.mode}
				if f, ok := first[k]; ok && f.Path != e.Path {
					if e.Size > 0 { // the contents travel with the last link
						f.Size, f.Open = e.Size, e.Open
					}
					e = &Entry{Path: e.Path, Kind: Hardlink, Link: f.Path}
				} else {
					first[k] = e
				}
			}
		}
		b.Add(e)
	}
	return b.Tree()
}

func cpioEntry(b *Builder, raw string, h newcHeader, ra io.ReaderAt, data int64) (*Entry, error) {
	e := &Entry{
		Path:    Clean(raw),
		Kind:    KindFromUnix(h.mode),
		Mode:    PermFromUnix(h.mode),
		UID:     h.uid,
		GID:     h.gid,
		ModTime: time.Unix(int64(h.mtime), 0).UTC(),
	}
	if e.Kind != File && e.Kind != Symlink && h.filesize != 0 {
		return nil, b.Errorf(raw, "a %s with %d bytes of contents", e.Kind, h.filesize)
	}
	switch e.Kind {
	case File:
		e.Size = int64(h.filesize)
	case Symlink:
		// A symlink's permission bits mean nothing on Linux (the kernel
		// makes every one 0777, as the writer records them).
		e.Mode = PermFromUnix(0o777)
		if h.filesize == 0 || h.filesize > newcMaxName {
			return nil, b.Errorf(raw, "symlink target length %d out of range 1..%d", h.filesize, newcMaxName)
		}
		target := make([]byte, h.filesize)
		if _, err := ra.ReadAt(target, data); err != nil {
			return nil, b.Errorf(raw, "reading the symlink target: %v", noEOF(err))
		}
		e.Link = string(target)
	case CharDevice, BlockDevice:
		e.DevMajor, e.DevMinor = h.rdevmajor, h.rdevminor
	case 0:
		return nil, b.Errorf(raw, "unknown file type in mode %#o", h.mode)
	}
	return e, nil
}

// checkNewcSum verifies a 070702 regular file's checksum: the sum of its
// contents' bytes. (GNU cpio and the kernel sum regular files only.)
func checkNewcSum(ra io.ReaderAt, data int64, h newcHeader) error {
	var sum uint32
	buf := make([]byte, 32<<10)
	for done := int64(0); done < int64(h.filesize); {
		n := min(int64(len(buf)), int64(h.filesize)-done)
		if _, err := ra.ReadAt(buf[:n], data+done); err != nil {
			return fmt.Errorf("reading contents: %w", noEOF(err))
		}
		for _, c := range buf[:n] {
			sum += uint32(c)
		}
		done += n
	}
	if sum != h.check {
		return fmt.Errorf("checksum %#08x, expected %#08x", sum, h.check)
	}
	return nil
}

// noEOF reports a short read as the truncation it is.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
