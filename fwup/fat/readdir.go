package fat

import (
	"encoding/binary"
	"strings"
	"unicode/utf16"
)

// The writer's own structures also read: ReadDir and Label list what a
// FAT holds without writing to it, for tools that inspect an image (the
// QEMU boot of an image reads its boot partition with them), as gokrazy
// pairs its FAT reader with its writer.

// DirEntry is one name in a FAT directory.
type DirEntry struct {
	// Name is the long name when there is one, else the 8.3 name with
	// its lower-case flags applied.
	Name string
	Dir  bool
	Size int64
}

// ReadDir lists directory dir ("" or "/" for the root) of the filesystem
// at blockOffset, in the order of its entries, without "." and "..".
// It writes nothing. A partition that holds no FAT filesystem gives
// FatFs's "There is no valid FAT volume".
func (v *Volumes) ReadDir(blockOffset int64, dir string) ([]DirEntry, error) {
	v.closeOpenFile()
	fs := v.mount(blockOffset, 0)
	if r := fs.mount(); r != frOK {
		return nil, v.opError("fat_readdir", cString(dir), r)
	}
	dp := dirObj{fs: fs}
	if r := dp.openDir(pathArg("/", dir)); r != frOK {
		return nil, v.opError("fat_readdir", cString(dir), r)
	}
	var out []DirEntry
	for {
		r := dp.read(false)
		if r == frNoFile {
			return out, nil
		}
		if r != frOK {
			return nil, v.opError("fat_readdir", cString(dir), r)
		}
		e := dp.entry()
		out = append(out, DirEntry{Name: dp.entryName(e), Dir: e[offAttr]&attrDir != 0,
			Size: int64(binary.LittleEndian.Uint32(e[offSize:]))})
		if r := dp.next(false); r == frNoFile {
			return out, nil
		} else if r != frOK {
			return nil, v.opError("fat_readdir", cString(dir), r)
		}
	}
}

// Label returns the volume label of the filesystem at blockOffset (its
// root directory's label entry), or "" when it has none.
func (v *Volumes) Label(blockOffset int64) (string, error) {
	v.closeOpenFile()
	fs := v.mount(blockOffset, 0)
	if r := fs.mount(); r != frOK {
		return "", v.opError("fat_getlabel", "", r)
	}
	dp := dirObj{fs: fs}
	if r := dp.seek(0); r != frOK {
		return "", v.opError("fat_getlabel", "", r)
	}
	switch r := dp.read(true); r {
	case frOK:
		return strings.TrimRight(oemString(dp.entry()[:11]), " "), nil
	case frNoFile:
		return "", nil
	default:
		return "", v.opError("fat_getlabel", "", r)
	}
}

// openDir leaves dp at the start of the directory at path.
func (dp *dirObj) openDir(path []byte) result {
	if r := dp.followPath(path); r != frOK {
		return r
	}
	if dp.fn.status&nsNoName == 0 {
		if dp.attr&attrDir == 0 {
			return frNoPath
		}
		dp.sclust = dp.fs.entryCluster(dp.entry())
	}
	return dp.seek(0)
}

// entryName is the name of short entry e, which dp.read just found: the
// long name it read before it, or the 8.3 name.
func (dp *dirObj) entryName(e []byte) string {
	if dp.blkOfs != noLFNBlock {
		lfn := dp.fs.lfn[:]
		n := 0
		for n < len(lfn) && lfn[n] != 0 {
			n++
		}
		return string(utf16.Decode(lfn[:n]))
	}
	base, ext := shortPart(e[0:8], e[offNTRes]&0x08 != 0), shortPart(e[8:11], e[offNTRes]&0x10 != 0)
	if base != "" && base[0] == kanjiE5 {
		base = "\xe5" + base[1:]
	}
	if ext == "" {
		return oemString([]byte(base))
	}
	return oemString([]byte(base + "." + ext))
}

// shortPart is one half of an 8.3 name, lower-cased when its NT flag
// says so.
func shortPart(b []byte, lower bool) string {
	s := strings.TrimRight(string(b), " ")
	if lower {
		s = strings.ToLower(s)
	}
	return s
}

// oemString decodes code page 850 bytes.
func oemString(b []byte) string {
	u := make([]uint16, len(b))
	for i, c := range b {
		u[i] = oemToUnicode(c)
	}
	return string(utf16.Decode(u))
}
