package ext4

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Directory entries: inode number, record length, name length, file type
// (without the filetype feature the name length takes both bytes), name.
// Directories are read linearly, block by block. That reads hashed
// (htree) directories too: the index root hides inside the ".." entry's
// record, each index node is one entry of inode 0 spanning its block, and
// metadata_csum's checksum tail is an entry of inode 0 as well; entries of
// inode 0 (deleted ones too) are skipped.
const (
	direntHeader = 8
	maxNameLen   = 255
)

type dirent struct {
	name string
	ino  uint32
}

// dirents appends the entries of one directory block (or inline area) b.
func (f *fsys) dirents(b []byte, out []dirent) ([]dirent, error) {
	le := binary.LittleEndian
	for off := 0; off < len(b); {
		if len(b)-off < direntHeader {
			return nil, fmt.Errorf("entry at byte %d: %d bytes left, too few for an entry", off, len(b)-off)
		}
		ino, recLen := le.Uint32(b[off:]), f.recLen(le.Uint16(b[off+4:]))
		nameLen := int(b[off+6])
		if f.sb.incompat&incompatFiletype == 0 {
			nameLen = int(le.Uint16(b[off+6:]))
		}
		if recLen < direntHeader || recLen%4 != 0 || recLen > len(b)-off {
			return nil, fmt.Errorf("entry at byte %d: record length %d (a multiple of 4 from %d to the %d bytes left expected)", off, recLen, direntHeader, len(b)-off)
		}
		if ino != 0 {
			if nameLen == 0 || nameLen > maxNameLen || direntHeader+nameLen > recLen {
				return nil, fmt.Errorf("entry at byte %d: name length %d in a record of %d bytes", off, nameLen, recLen)
			}
			name := b[off+direntHeader : off+direntHeader+nameLen]
			if bytes.ContainsAny(name, "/\x00") {
				return nil, fmt.Errorf("entry at byte %d: bad name %q", off, name)
			}
			if s := string(name); s != "." && s != ".." {
				out = append(out, dirent{name: s, ino: ino})
			}
		}
		off += recLen
	}
	return out, nil
}

// recLen decodes a record length: 64 KiB blocks need 17 bits, so the low
// two (always zero otherwise) carry the top ones.
func (f *fsys) recLen(raw uint16) int {
	if f.sb.blockSize < 1<<16 {
		return int(raw)
	}
	if raw == 0xFFFF || raw == 0 {
		return 1 << 16
	}
	return int(raw&0xFFFC) | int(raw&3)<<16
}

// listDir returns a directory's entries, "." and ".." left out.
func (f *fsys) listDir(in *inode, inline []byte) ([]dirent, error) {
	if in.flags&flagInlineData != 0 {
		return f.inlineDir(in, inline)
	}
	runs, err := f.mapping(in)
	if err != nil {
		return nil, err
	}
	bs := uint64(f.sb.blockSize)
	nblocks := (in.size + bs - 1) / bs
	var ents []dirent
	if f.dirBuf == nil {
		f.dirBuf = make([]byte, bs)
	}
	b := f.dirBuf
	for _, r := range runs {
		if r.zero {
			continue // an uninitialized extent holds no entries
		}
		for i := uint64(0); i < r.n && r.lblk+i < nblocks; i++ {
			// The mapping charged these blocks to the budget already.
			if err := f.readAt(b, int64(r.pblk+i)*f.sb.blockSize); err != nil {
				return nil, fmt.Errorf("directory block %d: %w", r.lblk+i, err)
			}
			if ents, err = f.dirents(b, ents); err != nil {
				return nil, fmt.Errorf("directory block %d: %w", r.lblk+i, err)
			}
		}
	}
	return ents, nil
}
