package ext4

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// Inode flags the reader acts on.
const (
	flagEncrypt    = 0x800
	flagHugeFile   = 0x40000
	flagExtents    = 0x80000
	flagEAInode    = 0x200000
	flagInlineData = 0x10000000

	iBlockSize = 60 // i_block: 15 block pointers, an extent root, or inline bytes
)

// inode is what the reader keeps of an on-disk inode.
type inode struct {
	num      uint32
	mode     uint16
	uid, gid uint32
	size     uint64
	mtime    time.Time
	flags    uint32
	sectors  uint64 // i_blocks, in 512-byte units unless flagHugeFile
	block    [iBlockSize]byte
	fileACL  uint64
	// ibody is the in-inode extended attribute area after i_extra_isize,
	// when it holds attributes.
	ibody []byte
}

// readInode reads inode num, which must be in use.
func (f *fsys) readInode(num uint32) (*inode, error) {
	s := f.sb
	if num == 0 || num > s.inodes {
		return nil, fmt.Errorf("inode number %d out of range (1 to %d)", num, s.inodes)
	}
	g, idx := uint64(num-1)/uint64(s.inodesPerGroup), int64(num-1)%int64(s.inodesPerGroup)
	gr, err := f.group(g)
	if err != nil {
		return nil, err
	}
	if gr.flags&bgInodeUninit != 0 && s.roCompat&(roCompatGDTCsum|roCompatMetadataCsum) != 0 {
		return nil, fmt.Errorf("in group %d, whose inode table is marked uninitialized (no inode of it is in use)", g)
	}
	// One buffer for every inode read: parseInode keeps nothing of it
	// but copies.
	if f.inodeBuf == nil {
		f.inodeBuf = make([]byte, s.inodeSize)
	}
	if err := f.readAt(f.inodeBuf, int64(gr.inodeTable)*s.blockSize+idx*s.inodeSize); err != nil {
		return nil, err
	}
	return f.parseInode(num, f.inodeBuf)
}

// parseInode decodes the raw inode b, which it does not keep.
func (f *fsys) parseInode(num uint32, b []byte) (*inode, error) {
	le := binary.LittleEndian
	in := &inode{
		num: num, mode: le.Uint16(b[0x0:]),
		uid:     uint32(le.Uint16(b[0x2:])) | uint32(le.Uint16(b[0x78:]))<<16,
		gid:     uint32(le.Uint16(b[0x18:])) | uint32(le.Uint16(b[0x7A:]))<<16,
		size:    uint64(le.Uint32(b[0x4:])) | uint64(le.Uint32(b[0x6C:]))<<32,
		flags:   le.Uint32(b[0x20:]),
		sectors: uint64(le.Uint32(b[0x1C:])),
		fileACL: uint64(le.Uint32(b[0x68:])),
	}
	if in.mode == 0 {
		return nil, fmt.Errorf("not in use (mode 0)")
	}
	copy(in.block[:], b[0x28:])
	if f.sb.roCompat&roCompatHugeFile != 0 {
		in.sectors |= uint64(le.Uint16(b[0x74:])) << 32
	}
	if f.sb.incompat&incompat64bit != 0 {
		in.fileACL |= uint64(le.Uint16(b[0x76:])) << 32
	}
	sec, nsec := int64(int32(le.Uint32(b[0x10:]))), int64(0)
	if len(b) > goodOldInodeSize {
		extra := int(le.Uint16(b[0x80:]))
		if goodOldInodeSize+extra > len(b) || extra%4 != 0 {
			return nil, fmt.Errorf("i_extra_isize %d does not fit a %d-byte inode", extra, len(b))
		}
		// Most inodes have no attributes in them: copy the area only when
		// it holds some.
		if body := b[goodOldInodeSize+extra:]; len(body) >= 4 && le.Uint32(body) == xattrMagic {
			in.ibody = bytes.Clone(body)
		}
		// i_mtime_extra, when the inode is large enough to have it: two
		// more bits of seconds (times past 2038) and the nanoseconds.
		if extra >= 0x8C-goodOldInodeSize {
			x := le.Uint32(b[0x88:])
			sec += int64(x&3) << 32
			nsec = int64(x >> 2)
		}
	}
	in.mtime = time.Unix(sec, nsec).UTC()
	return in, nil
}

// xattrBlockSectors is how much of i_blocks an xattr block (a cluster
// with bigalloc) accounts for.
func (f *fsys) xattrBlockSectors(in *inode) uint64 {
	if in.fileACL == 0 {
		return 0
	}
	if in.flags&flagHugeFile != 0 {
		return uint64(f.sb.clusterSize / f.sb.blockSize)
	}
	return uint64(f.sb.clusterSize / 512)
}
