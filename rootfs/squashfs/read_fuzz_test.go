package squashfs

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
	"github.com/klauspost/compress/zstd"
)

// FuzzSquashFS: no image, however damaged, makes the SquashFS reader
// panic, read without end or allocate far more than the image holds.
func FuzzSquashFS(f *testing.F) {
	f.Add([]byte("hsqs"))
	if b, err := os.ReadFile(filepath.Join("testdata", "fuzz-seed.squashfs")); err == nil {
		f.Add(b)
	}
	for _, c := range corruptImages() {
		f.Add(c.img)
	}
	f.Fuzz(func(t *testing.T, img []byte) {
		p := filepath.Join(t.TempDir(), "x.squashfs")
		if err := os.WriteFile(p, img, 0o644); err != nil {
			t.Fatal(err)
		}
		tree, err := ReadFile(p)
		if err != nil {
			return
		}
		rootfstest.Validate(t, tree)
		for _, e := range tree.Entries {
			if e.Open == nil {
				continue
			}
			if r, err := e.Open(); err == nil {
				io.Copy(io.Discard, io.LimitReader(r, 1<<20))
				r.Close()
			}
		}
		// What reads, our writer writes again, and that reads the same;
		// but not files of gigabytes (sparse ones cost an image nothing):
		// rewriting them tests nothing more and stalled the fuzzer.
		var total int64
		for _, e := range tree.Entries {
			total += e.Size
		}
		if total > 64<<20 {
			return
		}
		rootfstest.RoundTrip(t, tree, func(tr *rootfs.Tree) ([]byte, error) {
			out := filepath.Join(t.TempDir(), "again.squashfs")
			f, err := os.Create(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := Write(f, tr, Options{}); err != nil {
				return nil, err
			}
			return os.ReadFile(out)
		}, func(b []byte) (*rootfs.Tree, error) { return Read(rootfs.MemorySource("again", b)) })
	})
}

// TestSquashFSCorrupt reads hand-made damaged images that once made the
// reader die of an out-of-memory makeslice, allocate gigabytes or walk
// for ever: each must fail cleanly, quickly, without a panic and with
// little memory.
func TestSquashFSCorrupt(t *testing.T) {
	dir := t.TempDir()
	for i, c := range corruptImages() {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, fmt.Sprintf("%d.squashfs", i))
			if err := os.WriteFile(p, c.img, 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			done := make(chan error, 1)
			go func() {
				defer func() {
					if r := recover(); r != nil {
						done <- fmt.Errorf("panic: %v", r)
					}
				}()
				_, err := ReadFile(p)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("FromSquashFS still running after 30s")
			}
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.HasPrefix(err.Error(), "panic") {
				t.Errorf("got error %v, want one containing %q", err, c.want)
			}
			if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
				t.Errorf("allocated %d MiB reading a %d-byte image", d>>20, len(c.img))
			}
		})
	}
}

// TestSquashFSCraftedGood checks the image maker itself: undamaged, its
// images read.
func TestSquashFSCraftedGood(t *testing.T) {
	var c sqCraft
	fileRef := c.inode(sqExtFile(2, 96, 0, sqNoXattr))
	c.root = c.inode(sqDirInode(1, c.listing(sqDirEntry{"f", fileRef, 2})))
	p := filepath.Join(t.TempDir(), "good.squashfs")
	if err := os.WriteFile(p, c.image(2), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Entries) != 2 || tr.Entries[1].Path != "f" || tr.Entries[1].Kind != rootfs.File {
		t.Errorf("read %v", tr.Entries)
	}
}

type corruptImage struct {
	name string
	img  []byte
	want string // in the error
}

func corruptImages() []corruptImage {
	var out []corruptImage
	add := func(name, want string, img []byte) { out = append(out, corruptImage{name, img, want}) }
	le := binary.LittleEndian

	// A file of 2^57 bytes: 2^45 blocks, whose sizes took 128 TiB when
	// bytes_used, patched to 2^62, vouched for them.
	fileImage := func(size uint64) *sqCraft {
		var c sqCraft
		fileRef := c.inode(sqExtFile(2, 96, size, sqNoXattr))
		c.root = c.inode(sqDirInode(1, c.listing(sqDirEntry{"big", fileRef, 2})))
		return &c
	}
	c := fileImage(1 << 57)
	c.patch = func(sb []byte) { le.PutUint64(sb[40:], 1<<62) }
	add("bytes_used past the file", "bytes_used is 4611686018427387904, but the file has", c.image(2))
	c.patch = func(sb []byte) { le.PutUint64(sb[40:], 1<<63) }
	add("bytes_used above MaxInt64", "bytes_used 9223372036854775808 is out of range", c.image(2))
	add("file with more blocks than the metadata could list", "file of 144115188075855872 bytes needs a list of 35184372088832 block sizes", fileImage(1<<57).image(2))
	add("file size above MaxInt64", "file size 9223372036854775809 is out of range", fileImage(1<<63+1).image(2))
	c = fileImage(1 << 20)
	c.patch = func(sb []byte) { le.PutUint64(sb[64:], 1<<40) }
	add("inode table past the image", "inode table at 1099511627776, outside the image", c.image(2))
	c = fileImage(0)
	c.patch = func(sb []byte) {
		le.PutUint32(sb[16:], 0xffffffff)            // fragments
		le.PutUint64(sb[80:], le.Uint64(sb[48:])-16) // the fragment table, near the end
	}
	add("fragment count past the inodes", "superblock: fragments is 4294967295, more than its 2 inodes", c.image(2))
	c = fileImage(0)
	c.patch = func(sb []byte) { le.PutUint16(sb[26:], 0xffff) }
	add("id count past the image", "id table: index of 65535 entries", c.image(2))

	// An xattr value of 0xfffffff0 bytes: reading it failed at the end of
	// the metadata, and the failure returned a zeroed 4 GiB buffer.
	xattrImage := func(kv []byte) []byte {
		c := sqCraft{xattrKV: kv}
		c.root = c.inode(sqExtDirInode(1, 0))
		return c.image(1)
	}
	add("xattr value of 4 GiB", "xattr user.a: value of 4294967280 bytes (at most 65536)",
		xattrImage(le.AppendUint32([]byte{0, 0, 1, 0, 'a'}, 0xfffffff0)))
	add("xattr name of 64 KiB", "xattr name of 65535 bytes (at most 255)",
		xattrImage([]byte{0, 0, 0xff, 0xff, 'a'}))

	// 40 directories each listing the next one twice: 2^40 visits
	// without a visited set.
	c = &sqCraft{}
	next := c.inode(sqDirInode(41, nil))
	for i := 40; i >= 1; i-- {
		next = c.inode(sqDirInode(uint32(i), c.listing(sqDirEntry{"a", next, 1}, sqDirEntry{"b", next, 1})))
	}
	c.root = next
	add("directory listed twice, 40 deep", "directory already visited as "+strings.Repeat("a/", 39)+"a (listed twice, or a loop)", c.image(41))
	c = &sqCraft{}
	c.root = c.ref()
	c.inode(sqDirInode(1, c.listing(sqDirEntry{"self", c.root, 1})))
	add("directory listing itself", "directory already visited as . (listed twice, or a loop)", c.image(1))
	c = &sqCraft{}
	fileRef := c.inode(sqExtFile(4, 96, 0, sqNoXattr))
	shared := c.listing(sqDirEntry{"f", fileRef, 2})
	d1, d2 := c.inode(sqDirInode(2, shared)), c.inode(sqDirInode(3, shared))
	c.root = c.inode(sqDirInode(1, c.listing(sqDirEntry{"d1", d1, 1}, sqDirEntry{"d2", d2, 1})))
	add("directory listing shared", "d2: directory listing shared with d1", c.image(4))
	c = fileImage(0)
	add("more inodes than counted", "more inodes than the 1 the superblock counts", c.image(1))

	c = &sqCraft{}
	c.root = c.inode(sqExtFile(1, 96, 0, sqNoXattr))
	add("root not a directory", "the root inode is of type 9, not a directory", c.image(1))

	// A zstd metadata block decompressing to more than 8 KiB, which the
	// zstd path let through.
	c = &sqCraft{zstd: true}
	c.root = c.inode(sqDirInode(1, nil))
	c.inodes = append(c.inodes, make([]byte, 9000-len(c.inodes))...)
	add("zstd metadata block over 8 KiB", "block decompresses to more than 8192 bytes", c.image(1))
	return out
}

// sqCraft makes a small SquashFS image by hand: one metadata block each
// for the inode table, the directory table and the optional xattr
// key-value list (stored uncompressed, or zstd-compressed with zstd), an
// id table holding 0, and no fragments or data.
type sqCraft struct {
	inodes, dirs []byte
	xattrKV      []byte // one xattr id's list, of one entry; nil: no xattrs
	root         uint64
	zstd         bool
	patch        func(sb []byte) // applied to the finished superblock
	// frags, when set, appends a fragment table after the directory
	// table (where mksquashfs puts it) and returns its index's position.
	frags func(img []byte) ([]byte, uint64)
}

type sqDirEntry struct {
	name string
	ref  uint64
	typ  uint16
}

// ref is the reference of the next inode.
func (c *sqCraft) ref() uint64 { return uint64(len(c.inodes)) }

func (c *sqCraft) inode(b []byte) uint64 {
	ref := c.ref()
	c.inodes = append(c.inodes, b...)
	return ref
}

// listing adds a directory listing and returns its position and size for
// sqDirInode.
func (c *sqCraft) listing(es ...sqDirEntry) []uint32 {
	le := binary.LittleEndian
	off := len(c.dirs)
	b := le.AppendUint32(nil, uint32(len(es)-1))
	b = le.AppendUint32(b, 0) // the inodes' metadata block
	b = le.AppendUint32(b, 1) // inode number base
	for _, e := range es {
		b = le.AppendUint16(b, uint16(e.ref))
		b = le.AppendUint16(b, 0)
		b = le.AppendUint16(b, e.typ)
		b = le.AppendUint16(b, uint16(len(e.name)-1))
		b = append(b, e.name...)
	}
	c.dirs = append(c.dirs, b...)
	return []uint32{uint32(off), uint32(len(b) + 3)}
}

func sqHeader(typ uint16, mode uint16, ino uint32) []byte {
	le := binary.LittleEndian
	b := le.AppendUint16(nil, typ)
	b = le.AppendUint16(b, mode)
	b = le.AppendUint32(b, 0) // uid, gid indexes
	b = le.AppendUint32(b, 0) // mtime
	return le.AppendUint32(b, ino)
}

// sqDirInode is a basic directory whose listing is at (offset, size)
// from sqCraft.listing; nil for an empty directory.
func sqDirInode(ino uint32, listing []uint32) []byte {
	le := binary.LittleEndian
	off, size := uint32(0), uint32(3)
	if listing != nil {
		off, size = listing[0], listing[1]
	}
	b := sqHeader(1, 0o755, ino)
	b = le.AppendUint32(b, 0) // listing's metadata block
	b = le.AppendUint32(b, 2) // nlink
	b = le.AppendUint16(b, uint16(size))
	b = le.AppendUint16(b, uint16(off))
	return le.AppendUint32(b, 1) // parent
}

// sqExtDirInode is an empty extended directory with an xattr id.
func sqExtDirInode(ino, xattr uint32) []byte {
	le := binary.LittleEndian
	b := sqHeader(8, 0o755, ino)
	for _, v := range []uint32{2, 3, 0, 1} { // nlink, size, block, parent
		b = le.AppendUint32(b, v)
	}
	b = le.AppendUint16(b, 0) // index count
	b = le.AppendUint16(b, 0) // offset
	return le.AppendUint32(b, xattr)
}

// sqExtFile is an extended file of size bytes kept in sparse blocks (its
// block list, of up to 4 blocks, is all zeros).
func sqExtFile(ino uint32, start, size uint64, xattr uint32) []byte {
	le := binary.LittleEndian
	b := sqHeader(9, 0o644, ino)
	b = le.AppendUint64(b, start)
	b = le.AppendUint64(b, size)
	b = le.AppendUint64(b, 0) // sparse
	b = le.AppendUint32(b, 1) // nlink
	b = le.AppendUint32(b, sqNoFragment)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint32(b, xattr)
	return append(b, make([]byte, 4*min(4, (size+4095)/4096))...)
}

// image lays the parts out after the superblock, the tables in
// mksquashfs's order, and fills in the superblock.
func (c *sqCraft) image(inodes uint32) []byte {
	le := binary.LittleEndian
	img := make([]byte, sqSuperblockSize)
	meta := func(data []byte) uint64 {
		pos := uint64(len(img))
		if c.zstd {
			enc, _ := zstd.NewWriter(nil)
			z := enc.EncodeAll(data, nil)
			img = le.AppendUint16(img, uint16(len(z)))
			img = append(img, z...)
			return pos
		}
		img = le.AppendUint16(img, uint16(len(data))|sqMetaUncomp)
		img = append(img, data...)
		return pos
	}
	inodeTable := meta(c.inodes)
	dirTable := meta(c.dirs)
	fragTable := uint64(sqNoTable)
	if c.frags != nil {
		img, fragTable = c.frags(img)
	}
	xattrTable := uint64(sqNoTable)
	if c.xattrKV != nil {
		kv := meta(c.xattrKV)
		ids := le.AppendUint64(nil, 0) // the list's ref
		ids = le.AppendUint32(ids, 1)  // entries
		ids = le.AppendUint32(ids, uint32(len(c.xattrKV)))
		idBlock := meta(ids)
		xattrTable = uint64(len(img))
		img = le.AppendUint64(img, kv)
		img = le.AppendUint32(img, 1)
		img = le.AppendUint32(img, 0)
		img = le.AppendUint64(img, idBlock)
	}
	idBlock := meta(make([]byte, 4))
	idTable := uint64(len(img))
	img = le.AppendUint64(img, idBlock)

	sb := img[:sqSuperblockSize]
	comp := uint16(1)
	if c.zstd {
		comp = 6
	}
	le.PutUint32(sb[0:], sqMagic)
	le.PutUint32(sb[4:], inodes)
	le.PutUint32(sb[12:], 4096)
	le.PutUint16(sb[20:], comp)
	le.PutUint16(sb[22:], 12)
	le.PutUint16(sb[26:], 1) // ids
	le.PutUint16(sb[28:], 4)
	le.PutUint64(sb[32:], c.root)
	le.PutUint64(sb[40:], uint64(len(img)))
	le.PutUint64(sb[48:], idTable)
	le.PutUint64(sb[56:], xattrTable)
	le.PutUint64(sb[64:], inodeTable)
	le.PutUint64(sb[72:], dirTable)
	le.PutUint64(sb[80:], fragTable)
	le.PutUint64(sb[88:], sqNoTable)
	if c.patch != nil {
		c.patch(sb)
	}
	return img
}
