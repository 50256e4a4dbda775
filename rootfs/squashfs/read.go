package squashfs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"time"

	"github.com/firmwright/firmwright/rootfs"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// ReadFile reads a SquashFS 4.0 image (Buildroot's rootfs.squashfs)
// compressed with gzip, xz, zstd or lz4. LZO and legacy LZMA images are
// refused, as are xz images made with a BCJ filter (-Xbcj), which the Go
// xz decoder does not implement. Kept: uid/gid, permissions with
// setuid/setgid/sticky, mtimes, symlinks, device numbers, fifos, sockets,
// extended attributes, and hard links (directory entries sharing an inode:
// the first in tree order is the File). Entry.Open reopens the image and
// decompresses one block at a time. rootfs.Builder has the rules every
// reader follows.
//
// This is a small reader of our own rather than go-diskfs's: that one
// masks modes to the permission bits (setuid is lost), does not expose
// device numbers, cannot decompress mksquashfs's lz4 blocks (it expects
// LZ4 frames) and re-reads a whole directory on every file open.
func ReadFile(path string) (*rootfs.Tree, error) {
	return Read(rootfs.FileSource(path))
}

// The SquashFS 4.0 on-disk format, as squashfs-tools and the kernel
// (fs/squashfs/squashfs_fs.h) define it. Everything is little-endian.
const (
	sqMagic          = 0x73717368
	sqSuperblockSize = 96
	sqMetaSize       = 8192
	sqMetaUncomp     = 0x8000
	sqDataUncomp     = 1 << 24
	sqNoFragment     = 0xffffffff
	sqNoXattr        = 0xffffffff
	sqNoTable        = 0xffffffffffffffff
	sqXattrOOL       = 0x100
	// The longest name a directory entry may have (SQUASHFS_NAME_LEN),
	// and Linux's limits on an xattr's name (without SquashFS's stored
	// prefix) and value (XATTR_NAME_MAX, XATTR_SIZE_MAX).
	sqNameMax       = 256
	sqXattrNameMax  = 255
	sqXattrValueMax = 1 << 16
)

type sqSuper struct {
	inodes, mtime, blockSize, fragments uint32
	compression, blockLog, flags, ids   uint16
	major, minor                        uint16
	root, bytesUsed, idTable, xattrIDs  uint64
	inodeTable, dirTable, fragTable     uint64
	lookup                              uint64 // the export table
}

// squashfs is an open image's tables, kept as plain data after the scan.
type squashfs struct {
	src   rootfs.Source
	ra    io.ReaderAt
	sb    sqSuper
	ids   []uint32
	frags []sqFragment
	// meta caches decompressed metadata blocks by position during the scan.
	meta map[int64]sqMetaBlock
	// metaBytes is what meta holds, bounded by metaLimit.
	metaBytes int64
	zstd      *zstd.Decoder
	fragments fragCache
}

type sqFragment struct {
	start uint64
	size  uint32
}

type sqMetaBlock struct {
	data []byte
	next int64
}

// Read reads the SquashFS image that src holds (see ReadFile).
func Read(src rootfs.Source) (*rootfs.Tree, error) {
	ra, c, err := src.ReaderAt()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	s := &squashfs{src: src, ra: ra, meta: map[int64]sqMetaBlock{}}
	size, err := rootfs.ReaderSize(ra)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	if err := s.readSuper(size); err != nil {
		return nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	if s.sb.compression == 6 {
		// DecodeAll is safe for concurrent use, so Opens share it.
		if s.zstd, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<24)); err != nil {
			return nil, err
		}
	}
	if s.ids, err = s.readIDs(); err != nil {
		return nil, fmt.Errorf("%s: id table: %w", src.Name, err)
	}
	if s.frags, err = s.readFragments(); err != nil {
		return nil, fmt.Errorf("%s: fragment table: %w", src.Name, err)
	}
	x, err := s.readXattrIndex()
	if err != nil {
		return nil, fmt.Errorf("%s: xattr table: %w", src.Name, err)
	}
	b := rootfs.NewBuilder(src.Name)
	w := sqWalk{s: s, b: b, xattrs: x, files: map[uint32]string{}, refs: map[uint64]string{}, listings: map[uint64]string{}}
	if err := w.inode(".", s.sb.root); err != nil {
		return nil, err
	}
	// Opens need only the block lists and the fragment table.
	s.ra, s.meta = nil, nil
	return b.Tree()
}

// readSuper reads the superblock of an image whose file has size bytes.
// Every position in it is checked against the file, so that no count
// derived from them can ask for more memory than the file could fill.
func (s *squashfs) readSuper(size int64) error {
	var b [sqSuperblockSize]byte
	if _, err := s.ra.ReadAt(b[:], 0); err != nil {
		return fmt.Errorf("reading the superblock: %w", noEOF(err))
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != sqMagic {
		return fmt.Errorf("not a SquashFS image (magic %#x)", le.Uint32(b[0:]))
	}
	s.sb = sqSuper{
		inodes: le.Uint32(b[4:]), mtime: le.Uint32(b[8:]), blockSize: le.Uint32(b[12:]),
		fragments: le.Uint32(b[16:]), compression: le.Uint16(b[20:]), blockLog: le.Uint16(b[22:]),
		flags: le.Uint16(b[24:]), ids: le.Uint16(b[26:]), major: le.Uint16(b[28:]), minor: le.Uint16(b[30:]),
		root: le.Uint64(b[32:]), bytesUsed: le.Uint64(b[40:]), idTable: le.Uint64(b[48:]),
		xattrIDs: le.Uint64(b[56:]), inodeTable: le.Uint64(b[64:]), dirTable: le.Uint64(b[72:]),
		fragTable: le.Uint64(b[80:]), lookup: le.Uint64(b[88:]),
	}
	if s.sb.major != 4 || s.sb.minor != 0 {
		return fmt.Errorf("SquashFS version %d.%d; expected 4.0", s.sb.major, s.sb.minor)
	}
	if bs := s.sb.blockSize; bs < 4096 || bs > 1<<20 || bs&(bs-1) != 0 || 1<<s.sb.blockLog != bs {
		return fmt.Errorf("bad block size %d (log %d)", bs, s.sb.blockLog)
	}
	switch s.sb.compression {
	case 1, 4, 5, 6:
	case 2:
		return errors.New("lzma-compressed SquashFS is not supported (use gzip, xz, zstd or lz4)")
	case 3:
		return errors.New("lzo-compressed SquashFS is not supported (use gzip, xz, zstd or lz4)")
	default:
		return fmt.Errorf("unknown SquashFS compression id %d", s.sb.compression)
	}
	used := s.sb.bytesUsed
	switch {
	case used > math.MaxInt64:
		return fmt.Errorf("superblock: bytes_used %d is out of range", used)
	case int64(used) > size:
		return fmt.Errorf("superblock: bytes_used is %d, but the file has %d bytes (truncated or damaged)", used, size)
	case used < sqSuperblockSize:
		return fmt.Errorf("superblock: bytes_used %d is smaller than the superblock", used)
	}
	for _, t := range []struct {
		name     string
		start    uint64
		optional bool
	}{
		{"inode table", s.sb.inodeTable, false},
		{"directory table", s.sb.dirTable, false},
		{"id table", s.sb.idTable, false},
		{"fragment table", s.sb.fragTable, true},
		{"xattr table", s.sb.xattrIDs, true},
		{"export table", s.sb.lookup, true},
	} {
		if t.optional && t.start == sqNoTable {
			continue
		}
		if t.start < sqSuperblockSize || t.start >= used {
			return fmt.Errorf("superblock: %s at %d, outside the image's %d bytes", t.name, t.start, used)
		}
	}
	if s.sb.inodeTable >= s.sb.dirTable {
		return fmt.Errorf("superblock: inode table at %d, not before the directory table at %d", s.sb.inodeTable, s.sb.dirTable)
	}
	return s.checkCounts()
}

// decompress inflates one block that decompresses to at most limit bytes.
func (s *squashfs) decompress(in []byte, limit int) ([]byte, error) {
	var r io.Reader
	switch s.sb.compression {
	case 1:
		return inflateZlib(nil, in, limit)
	case 4:
		x, err := xz.NewReader(bytes.NewReader(in))
		if err != nil {
			return nil, err
		}
		r = x
	case 5:
		out := make([]byte, limit)
		n, err := lz4.UncompressBlock(in, out)
		if err != nil {
			return nil, fmt.Errorf("lz4: %w", err)
		}
		return out[:n], nil
	case 6:
		out, err := s.zstd.DecodeAll(in, make([]byte, 0, limit))
		if err != nil {
			return nil, err
		}
		if len(out) > limit {
			return nil, fmt.Errorf("block decompresses to more than %d bytes", limit)
		}
		return out, nil
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(out) > limit {
		return nil, fmt.Errorf("block decompresses to more than %d bytes", limit)
	}
	return out, nil
}

// metaBlock reads the metadata block at pos.
func (s *squashfs) metaBlock(pos int64) (sqMetaBlock, error) {
	if m, ok := s.meta[pos]; ok {
		return m, nil
	}
	var h [2]byte
	if _, err := s.ra.ReadAt(h[:], pos); err != nil {
		return sqMetaBlock{}, fmt.Errorf("metadata block at %d: %w", pos, noEOF(err))
	}
	n := int(binary.LittleEndian.Uint16(h[:]))
	size := n &^ sqMetaUncomp
	if size == 0 || size > sqMetaSize {
		return sqMetaBlock{}, fmt.Errorf("metadata block at %d: bad size %d", pos, size)
	}
	data := make([]byte, size)
	if _, err := s.ra.ReadAt(data, pos+2); err != nil {
		return sqMetaBlock{}, fmt.Errorf("metadata block at %d: %w", pos, noEOF(err))
	}
	if n&sqMetaUncomp == 0 {
		var err error
		if data, err = s.decompress(data, sqMetaSize); err != nil {
			return sqMetaBlock{}, fmt.Errorf("metadata block at %d: %w", pos, err)
		}
	}
	if err := s.spend(pos, len(data)); err != nil {
		return sqMetaBlock{}, err
	}
	m := sqMetaBlock{data: data, next: pos + 2 + int64(size)}
	s.meta[pos] = m
	return m, nil
}

// sqMeta reads a metadata stream from a position: a block and an offset
// into its uncompressed contents.
type sqMeta struct {
	s   *squashfs
	pos int64
	off int
	end int64 // where the table ends: no block of it may reach past
	err error
}

func (s *squashfs) metaAt(table uint64, ref uint64) *sqMeta {
	return &sqMeta{s: s, pos: int64(table + ref>>16), off: int(ref & 0xffff), end: s.tableEnd(table)}
}

// bytes returns the next n bytes; after an error it returns nil and keeps
// the first error in m.err. Memory grows with what is read, not with n,
// but callers bound n by what the format allows.
func (m *sqMeta) bytes(n int) []byte {
	out := make([]byte, 0, min(n, 1<<16))
	for len(out) < n && m.err == nil {
		if m.pos >= m.end {
			m.err = fmt.Errorf("metadata at %d, past its table's end at %d", m.pos, m.end)
			break
		}
		b, err := m.s.metaBlock(m.pos)
		if err != nil {
			m.err = err
			break
		}
		if b.next > m.end {
			m.err = fmt.Errorf("metadata block at %d ends at %d, past its table's end at %d", m.pos, b.next, m.end)
			break
		}
		if m.off >= len(b.data) {
			if m.off > len(b.data) {
				m.err = fmt.Errorf("metadata offset %d past block at %d", m.off, m.pos)
				break
			}
			m.pos, m.off = b.next, 0
			continue
		}
		k := min(n-len(out), len(b.data)-m.off)
		out = append(out, b.data[m.off:m.off+k]...)
		m.off += k
	}
	if m.err != nil {
		return nil
	}
	return out
}

// u16, u32 and u64 read a number; after an error they return 0.
func (m *sqMeta) u16() uint16 {
	if b := m.bytes(2); len(b) == 2 {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (m *sqMeta) u32() uint32 {
	if b := m.bytes(4); len(b) == 4 {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (m *sqMeta) u64() uint64 {
	if b := m.bytes(8); len(b) == 8 {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// table reads a table of n fixed-size records kept in metadata blocks
// whose positions are listed at start. The list must fit in the image and
// the blocks come before it, in order (as mksquashfs writes them), so a
// count in a damaged image cannot make the table larger than the image's
// metadata.
func (s *squashfs) table(start uint64, n, size int) ([]byte, error) {
	blocks := (n*size + sqMetaSize - 1) / sqMetaSize
	if end := start + 8*uint64(blocks); end > s.sb.bytesUsed || end < start {
		return nil, fmt.Errorf("index of %d entries at %d runs past the image's %d bytes", n, start, s.sb.bytesUsed)
	}
	idx := make([]byte, 8*blocks)
	if _, err := s.ra.ReadAt(idx, int64(start)); err != nil {
		return nil, noEOF(err)
	}
	var out []byte
	// The blocks follow the directory table, each after the last one's
	// end, and end before the index: no two overlap, so the table cannot
	// decompress more blocks than the bytes between hold.
	prevEnd := int64(s.sb.dirTable)
	for i := range blocks {
		pos := binary.LittleEndian.Uint64(idx[8*i:])
		if pos >= start || int64(pos) < prevEnd {
			return nil, fmt.Errorf("metadata block %d at %d, not between the previous block's end at %d and the index at %d", i, pos, prevEnd, start)
		}
		b, err := s.metaBlock(int64(pos))
		if err != nil {
			return nil, err
		}
		if b.next > int64(start) {
			return nil, fmt.Errorf("metadata block %d at %d ends at %d, past the index at %d", i, pos, b.next, start)
		}
		prevEnd = b.next
		out = append(out, b.data...)
	}
	if len(out) < n*size {
		return nil, fmt.Errorf("%d bytes for %d entries of %d", len(out), n, size)
	}
	return out, nil
}

func (s *squashfs) readIDs() ([]uint32, error) {
	b, err := s.table(s.sb.idTable, int(s.sb.ids), 4)
	if err != nil {
		return nil, err
	}
	ids := make([]uint32, s.sb.ids)
	for i := range ids {
		ids[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return ids, nil
}

func (s *squashfs) readFragments() ([]sqFragment, error) {
	if s.sb.fragments == 0 || s.sb.fragTable == sqNoTable {
		return nil, nil
	}
	b, err := s.table(s.sb.fragTable, int(s.sb.fragments), 16)
	if err != nil {
		return nil, err
	}
	fr := make([]sqFragment, s.sb.fragments)
	for i := range fr {
		fr[i] = sqFragment{binary.LittleEndian.Uint64(b[16*i:]), binary.LittleEndian.Uint32(b[16*i+8:])}
	}
	return fr, nil
}

// sqXattrs locates each xattr id's key-value list.
type sqXattrs struct {
	kvStart uint64
	refs    []uint64
	counts  []uint32
}

func (s *squashfs) readXattrIndex() (*sqXattrs, error) {
	if s.sb.xattrIDs == sqNoTable {
		return nil, nil
	}
	var h [16]byte
	if _, err := s.ra.ReadAt(h[:], int64(s.sb.xattrIDs)); err != nil {
		return nil, noEOF(err)
	}
	x := &sqXattrs{kvStart: binary.LittleEndian.Uint64(h[0:])}
	if err := s.checkXattrIDs(binary.LittleEndian.Uint32(h[8:])); err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(h[8:]))
	b, err := s.table(s.sb.xattrIDs+16, n, 16)
	if err != nil {
		return nil, err
	}
	for i := range n {
		x.refs = append(x.refs, binary.LittleEndian.Uint64(b[16*i:]))
		x.counts = append(x.counts, binary.LittleEndian.Uint32(b[16*i+8:]))
	}
	return x, nil
}

func (s *squashfs) xattrs(x *sqXattrs, id uint32) (map[string][]byte, error) {
	if id == sqNoXattr {
		return nil, nil
	}
	if x == nil || int(id) >= len(x.refs) {
		return nil, fmt.Errorf("xattr id %d not in the xattr table", id)
	}
	m := s.metaAt(x.kvStart, x.refs[id])
	out := map[string][]byte{}
	for range x.counts[id] {
		typ, n := m.u16(), m.u16()
		if m.err != nil {
			return nil, m.err
		}
		if n > sqXattrNameMax {
			return nil, fmt.Errorf("xattr name of %d bytes (at most %d)", n, sqXattrNameMax)
		}
		name := string(m.bytes(int(n)))
		prefix, ok := map[uint16]string{0: "user.", 1: "trusted.", 2: "security."}[typ&0xff]
		if !ok {
			return nil, fmt.Errorf("xattr %q: unknown prefix %d", name, typ&0xff)
		}
		vm := m
		if typ&sqXattrOOL != 0 {
			m.u32() // the size of the reference
			vm = s.metaAt(x.kvStart, m.u64())
		}
		size := vm.u32()
		if vm.err == nil && size > sqXattrValueMax {
			return nil, fmt.Errorf("xattr %s%s: value of %d bytes (at most %d)", prefix, name, size, sqXattrValueMax)
		}
		v := vm.bytes(int(size))
		if vm.err != nil {
			return nil, vm.err
		}
		out[prefix+name] = v
	}
	return out, m.err
}

// sqWalk turns the directory tree into entries.
type sqWalk struct {
	s      *squashfs
	b      *rootfs.Builder
	xattrs *sqXattrs
	// files maps an inode number to the path of its File, for hard links.
	files map[uint32]string
	// refs maps each inode visited to its first path, and listings each
	// directory listing read to its directory: a damaged image that lists
	// a directory twice (or shares listings) could otherwise make the walk
	// exponential. refs also counts inodes against the superblock.
	refs, listings map[uint64]string
	depth          int
}

// inodeBody is what an inode says past the common header.
type inodeBody struct {
	xattr     uint32
	dirBlock  uint32
	dirSize   uint32
	dirOffset uint16
}

// inode reads the inode at ref into an entry for p, and descends into
// directories.
func (w *sqWalk) inode(p string, ref uint64) error {
	m := w.s.metaAt(w.s.sb.inodeTable, ref)
	typ, e, ino, err := w.header(p, ref, m)
	if err != nil {
		return err
	}
	body := inodeBody{xattr: sqNoXattr}
	switch typ {
	case 1, 8:
		body = readDirInode(typ, m, e)
	case 2, 9:
		if e, err = w.fileInode(p, typ, ino, m, e, &body); err != nil {
			return err
		}
	case 3, 10, 4, 5, 11, 12, 6, 7, 13, 14:
		if err := readSpecialInode(typ, m, e, &body); err != nil {
			return w.b.Errorf(p, "%v", err)
		}
	default:
		return w.b.Errorf(p, "unknown inode type %d", typ)
	}
	if m.err != nil {
		return w.b.Errorf(p, "inode: %v", m.err)
	}
	if e.Kind != rootfs.Hardlink {
		x, err := w.s.xattrs(w.xattrs, body.xattr)
		if err != nil {
			return w.b.Errorf(p, "%v", err)
		}
		e.Xattrs = x
	}
	w.b.Add(e)
	if e.Kind != rootfs.Dir || body.dirSize <= 3 {
		return nil
	}
	return w.descend(p, body)
}

// header reads the inode header every type has and checks it: the type,
// an entry with owners, mode and time, and the inode number.
func (w *sqWalk) header(p string, ref uint64, m *sqMeta) (uint16, *rootfs.Entry, uint32, error) {
	s := w.s
	typ, mode, uidIdx, gidIdx, mtime, ino := m.u16(), m.u16(), m.u16(), m.u16(), m.u32(), m.u32()
	if m.err != nil {
		return 0, nil, 0, w.b.Errorf(p, "inode: %v", m.err)
	}
	isDir := typ == 1 || typ == 8
	if p == "." && !isDir {
		return 0, nil, 0, w.b.Errorf(p, "the root inode is of type %d, not a directory", typ)
	}
	if first, ok := w.refs[ref]; ok {
		if isDir {
			return 0, nil, 0, w.b.Errorf(p, "directory already visited as %s (listed twice, or a loop)", first)
		}
	} else if w.refs[ref] = p; len(w.refs) > int(s.sb.inodes) {
		return 0, nil, 0, w.b.Errorf(p, "more inodes than the %d the superblock counts", s.sb.inodes)
	}
	if int(uidIdx) >= len(s.ids) || int(gidIdx) >= len(s.ids) {
		return 0, nil, 0, w.b.Errorf(p, "uid/gid index %d/%d past the id table (%d ids)", uidIdx, gidIdx, len(s.ids))
	}
	return typ, &rootfs.Entry{
		Path: p, Mode: rootfs.PermFromUnix(uint32(mode)), UID: s.ids[uidIdx], GID: s.ids[gidIdx],
		ModTime: time.Unix(int64(mtime), 0).UTC(),
	}, ino, nil
}

// readDirInode reads a basic (1) or extended (8) directory inode.
func readDirInode(typ uint16, m *sqMeta, e *rootfs.Entry) inodeBody {
	b := inodeBody{xattr: sqNoXattr}
	e.Kind = rootfs.Dir
	if typ == 1 {
		b.dirBlock, _, b.dirSize, b.dirOffset = m.u32(), m.u32(), uint32(m.u16()), m.u16()
		return b
	}
	_, b.dirSize, b.dirBlock, _ = m.u32(), m.u32(), m.u32(), m.u32()
	_, b.dirOffset, b.xattr = m.u16(), m.u16(), m.u32()
	return b
}

// fileInode reads a basic (2) or extended (9) file inode and its block
// list; a second name of the inode becomes a Hardlink.
func (w *sqWalk) fileInode(p string, typ uint16, ino uint32, m *sqMeta, e *rootfs.Entry, body *inodeBody) (*rootfs.Entry, error) {
	s := w.s
	var start, size uint64
	frag, fragOff := uint32(sqNoFragment), uint32(0)
	if typ == 2 {
		start, frag, fragOff, size = uint64(m.u32()), m.u32(), m.u32(), uint64(m.u32())
	} else {
		start, size, _, _ = m.u64(), m.u64(), m.u64(), m.u32()
		frag, fragOff, body.xattr = m.u32(), m.u32(), m.u32()
	}
	if size > math.MaxInt64 {
		return nil, w.b.Errorf(p, "file size %d is out of range", size)
	}
	n := size / uint64(s.sb.blockSize)
	if frag == sqNoFragment && size%uint64(s.sb.blockSize) != 0 {
		n++
	}
	// Each block's size takes 4 bytes of the decompressed inode table,
	// which metaLimit bounds. (Not the image: a sparse file's block list
	// of zeros compresses to almost nothing, so a 4 KB image can hold a
	// 4 GiB file.)
	if n > uint64(s.metaLimit()/4) {
		return nil, w.b.Errorf(p, "file of %d bytes needs a list of %d block sizes, more than the %d bytes of metadata the image may decompress to", size, n, s.metaLimit())
	}
	f := &sqFile{s: s, start: start, size: int64(size), frag: frag, fragOff: fragOff}
	end := start
	for range n {
		b := m.u32()
		if m.err != nil {
			break
		}
		f.blocks = append(f.blocks, b)
		if b&^sqDataUncomp > s.sb.blockSize {
			return nil, w.b.Errorf(p, "data block of %d bytes (the block size is %d)", b&^sqDataUncomp, s.sb.blockSize)
		}
		if end += uint64(b &^ sqDataUncomp); end > s.sb.bytesUsed || end < start {
			return nil, w.b.Errorf(p, "file data at %d runs past the image's %d bytes", start, s.sb.bytesUsed)
		}
	}
	e.Kind, e.Size, e.Open = rootfs.File, int64(size), f.open
	if first, ok := w.files[ino]; ok {
		return &rootfs.Entry{Path: p, Kind: rootfs.Hardlink, Link: first}, nil
	}
	w.files[ino] = p
	return e, nil
}

// readSpecialInode reads a symlink (3, 10), device (4, 5, 11, 12), fifo or
// socket (6, 7, 13, 14) inode: the extended types (10 and up) end with an
// xattr index.
func readSpecialInode(typ uint16, m *sqMeta, e *rootfs.Entry, body *inodeBody) error {
	switch typ {
	case 3, 10:
		e.Kind = rootfs.Symlink
		_, n := m.u32(), m.u32()
		if n == 0 || n > 4096 {
			return fmt.Errorf("symlink target length %d out of range 1..4096", n)
		}
		e.Link = string(m.bytes(int(n)))
	case 4, 5, 11, 12:
		e.Kind = rootfs.BlockDevice
		if typ == 5 || typ == 12 {
			e.Kind = rootfs.CharDevice
		}
		_, dev := m.u32(), m.u32()
		e.DevMajor, e.DevMinor = (dev>>8)&0xfff, dev&0xff|(dev>>12)&0xfff00
	default:
		e.Kind = rootfs.FIFO
		if typ == 7 || typ == 14 {
			e.Kind = rootfs.Socket
		}
		m.u32()
	}
	if typ >= 10 {
		body.xattr = m.u32()
	}
	return nil
}

// descend reads a directory's listing, once, and visits its entries.
func (w *sqWalk) descend(p string, body inodeBody) error {
	listing := uint64(body.dirBlock)<<16 | uint64(body.dirOffset)
	if first, ok := w.listings[listing]; ok {
		return w.b.Errorf(p, "directory listing shared with %s", first)
	}
	w.listings[listing] = p
	if w.depth++; w.depth > 512 {
		return w.b.Errorf(p, "directories nested deeper than 512")
	}
	defer func() { w.depth-- }()
	return w.dir(p, w.s.metaAt(w.s.sb.dirTable, listing), int(body.dirSize)-3)
}

// dir reads a directory listing of size bytes and visits its entries.
func (w *sqWalk) dir(p string, m *sqMeta, size int) error {
	type child struct {
		name string
		ref  uint64
	}
	var children []child
	for size > 0 {
		count, start := m.u32()+1, m.u32()
		m.u32() // the inode number base, unused: hard links are found by inode number
		size -= 12
		if count > 256 {
			return w.b.Errorf(p, "directory header with %d entries (at most 256)", count)
		}
		for range count {
			off := m.u16()
			m.u16() // inode number delta
			m.u16() // type, which the inode repeats
			n := int(m.u16()) + 1
			if n > sqNameMax {
				return w.b.Errorf(p, "directory entry name of %d bytes (at most %d)", n, sqNameMax)
			}
			name := string(m.bytes(n))
			size -= 8 + n
			if m.err != nil {
				return w.b.Errorf(p, "directory listing: %v", m.err)
			}
			if name == "." || name == ".." || bytes.ContainsAny([]byte(name), "/\x00") {
				return w.b.Errorf(p, "bad name %q in directory", name)
			}
			children = append(children, child{name, uint64(start)<<16 | uint64(off)})
		}
	}
	if size < 0 {
		return w.b.Errorf(p, "directory listing overruns its size")
	}
	for _, c := range children {
		if err := w.inode(path.Join(p, c.name), c.ref); err != nil {
			return err
		}
	}
	return nil
}

// sqFile is a regular file's location in the image.
type sqFile struct {
	s       *squashfs
	start   uint64
	size    int64
	blocks  []uint32
	frag    uint32
	fragOff uint32
}

func (f *sqFile) open() (io.ReadCloser, error) {
	ra, c, err := f.s.src.ReaderAt()
	if err != nil {
		return nil, err
	}
	return &sqFileReader{f: f, ra: ra, c: c, pos: int64(f.start)}, nil
}

type sqFileReader struct {
	f    *sqFile
	ra   io.ReaderAt
	c    io.Closer
	next int   // the next block, len(blocks) for the fragment
	pos  int64 // where block next starts
	done int64 // bytes returned or buffered so far
	buf  []byte
}

func (r *sqFileReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done >= r.f.size {
			return 0, io.EOF
		}
		var err error
		if r.buf, err = r.block(); err != nil {
			return 0, fmt.Errorf("%s: %w", r.f.s.src.Name, err)
		}
		r.done += int64(len(r.buf))
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// block returns the file's next block of contents.
func (r *sqFileReader) block() ([]byte, error) {
	s, bs := r.f.s, int64(r.f.s.sb.blockSize)
	want := min(bs, r.f.size-r.done)
	if r.next < len(r.f.blocks) {
		size := r.f.blocks[r.next]
		r.next++
		if size == 0 {
			// Sparse: the writer's zeros (data.go), read-only, rather than
			// a new block each: a 4 GiB hole is 32768 blocks.
			return zeroBlock[:want], nil
		}
		b, err := r.read(r.pos, size)
		r.pos += int64(size &^ sqDataUncomp)
		if err == nil && int64(len(b)) != want {
			err = fmt.Errorf("data block of %d bytes, expected %d", len(b), want)
		}
		return b, err
	}
	if r.f.frag == sqNoFragment || int(r.f.frag) >= len(s.frags) {
		return nil, fmt.Errorf("file tail in fragment %d, which does not exist", r.f.frag)
	}
	b, ok := s.fragments.get(r.f.frag)
	if !ok {
		fr := s.frags[r.f.frag]
		var err error
		if b, err = r.read(int64(fr.start), fr.size); err != nil {
			return nil, err
		}
		s.fragments.put(r.f.frag, b)
	}
	if int64(r.f.fragOff)+want > int64(len(b)) {
		return nil, fmt.Errorf("file tail past the end of fragment %d", r.f.frag)
	}
	return b[r.f.fragOff : int64(r.f.fragOff)+want], nil
}

// read reads and decompresses one data block stored as size (with the
// uncompressed flag) at pos.
func (r *sqFileReader) read(pos int64, size uint32) ([]byte, error) {
	n := size &^ sqDataUncomp
	if n > r.f.s.sb.blockSize {
		return nil, fmt.Errorf("data block at %d: stored size %d exceeds the block size", pos, n)
	}
	b := make([]byte, n)
	if _, err := r.ra.ReadAt(b, pos); err != nil {
		return nil, fmt.Errorf("data block at %d: %w", pos, noEOF(err))
	}
	if size&sqDataUncomp != 0 {
		return b, nil
	}
	out, err := r.f.s.decompress(b, int(r.f.s.sb.blockSize))
	if err != nil {
		return nil, fmt.Errorf("data block at %d: %w", pos, err)
	}
	return out, nil
}

func (r *sqFileReader) Close() error { return r.c.Close() }

// noEOF turns an end of file inside a structure into the truncation it is.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
