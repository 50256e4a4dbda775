package ext4

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"
)

// damaged is a seed image damaged in one way, and what the error must say.
type damaged struct {
	name string
	img  []byte
	want string
}

// seedImage is a seed with what the damage needs to find in it.
type seedImage struct {
	t   testing.TB
	img []byte
	f   *fsys
}

func openSeed(t testing.TB, name string) *seedImage {
	img := seed(t, name)
	return &seedImage{t: t, img: img, f: openFS(t, rootfs.MemorySource(name, img))}
}

// inode returns the offset of the inode of p.
func (s *seedImage) inode(p string) int64 {
	ino := inodeOf(s.t, rootfs.MemorySource("seed", s.img), p)
	g, idx := uint64(ino-1)/uint64(s.f.sb.inodesPerGroup), int64(ino-1)%int64(s.f.sb.inodesPerGroup)
	gr, err := s.f.group(g)
	if err != nil {
		s.t.Fatal(err)
	}
	return int64(gr.inodeTable)*s.f.sb.blockSize + idx*s.f.sb.inodeSize
}

// block returns the offset of block n.
func (s *seedImage) block(n uint64) int64 { return int64(n) * s.f.sb.blockSize }

// dirent returns the offset of the root directory's entry for name.
func (s *seedImage) dirent(name string) int64 {
	root, err := s.f.readInode(rootIno)
	if err != nil {
		s.t.Fatal(err)
	}
	runs, err := s.f.mapping(root)
	if err != nil {
		s.t.Fatal(err)
	}
	blk := s.img[s.block(runs[0].pblk):][:s.f.sb.blockSize]
	for off := 0; off < len(blk); off += int(binary.LittleEndian.Uint16(blk[off+4:])) {
		if int(blk[off+6]) == len(name) && string(blk[off+8:off+8+len(name)]) == name {
			return s.block(runs[0].pblk) + int64(off)
		}
	}
	s.t.Fatalf("no %s in the root directory", name)
	return 0
}

// damage returns a copy of the image changed by change, which gets the
// copy and the seed.
func (s *seedImage) damage(change func(b []byte)) []byte {
	b := bytes.Clone(s.img)
	change(b)
	return b
}

// super returns a copy with the superblock changed and its checksum
// made right again, so that the change itself is what the reader meets.
func (s *seedImage) super(change func(sb []byte)) []byte {
	return s.damage(func(b []byte) { changeSuper(b, change) })
}

func changeSuper(b []byte, change func(sb []byte)) {
	sb := b[superOffset : superOffset+superSize]
	change(sb)
	if binary.LittleEndian.Uint32(sb[0x64:])&roCompatMetadataCsum != 0 {
		binary.LittleEndian.PutUint32(sb[superSize-4:], superChecksum(sb))
	}
}

// damagedImages are the seeds damaged in each way a reader must survive.
func damagedImages(t testing.TB) []damaged {
	le := binary.LittleEndian
	var out []damaged
	add := func(name, want string, img []byte) { out = append(out, damaged{name, img, want}) }
	ext4 := openSeed(t, "ext4")
	sparse := ext4.inode("sparse")
	if d := le.Uint16(ext4.img[sparse+0x28+6:]); d != 1 {
		t.Fatalf("the seed's sparse file has an extent tree of depth %d, not 1", d)
	}
	leaf := ext4.block(uint64(le.Uint32(ext4.img[sparse+0x28+12+4:])))
	add("extent node pointing to itself", "extent node of depth 1 where 0 was expected", ext4.damage(func(b []byte) {
		le.PutUint16(b[leaf+6:], 1)
		le.PutUint16(b[leaf+2:], 1)
		le.PutUint32(b[leaf+12:], 0)
		le.PutUint32(b[leaf+16:], uint32(leaf/ext4.f.sb.blockSize))
		le.PutUint16(b[leaf+20:], 0)
	}))
	add("extent tree too deep", "extent tree 6 levels deep", ext4.damage(func(b []byte) { le.PutUint16(b[sparse+0x28+6:], 6) }))
	add("extent subtree reached twice", "outside its node's range", ext4.damage(func(b []byte) {
		root := b[sparse+0x28:]
		le.PutUint16(root[2:], 2)
		copy(root[24:36], root[12:24])
		le.PutUint32(root[24:], 100)
	}))
	add("extent entries past the node", "does not fit", ext4.damage(func(b []byte) { le.PutUint16(b[sparse+0x28+2:], 5) }))
	add("extent past the end", "outside the filesystem's blocks", ext4.damage(func(b []byte) { le.PutUint32(b[leaf+12+8:], 0xFFFFFF) }))
	add("huge file size", "larger than the", ext4.damage(func(b []byte) {
		big := ext4.inode("big")
		le.PutUint32(b[big+0x6C:], 1<<30)
	}))
	add("blocks mapped twice", "map more blocks than the filesystem's", ext4.damage(func(b []byte) {
		for _, p := range []string{"a", "big"} {
			in := ext4.inode(p)
			// One extent over every block but the first.
			copy(b[in+0x28:], []byte{0x0A, 0xF3, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0})
			le.PutUint32(b[in+0x28+12:], 0)
			le.PutUint16(b[in+0x28+16:], uint16(ext4.f.sb.blocks-1))
			le.PutUint16(b[in+0x28+18:], 0)
			le.PutUint32(b[in+0x28+20:], 1)
		}
	}))
	add("directory loop", "directory inode 2 reached twice (first as .)", ext4.damage(func(b []byte) { le.PutUint32(b[ext4.dirent("sub"):], rootIno) }))
	add("inode past the count", "inode number 4294967040 out of range", ext4.damage(func(b []byte) { le.PutUint32(b[ext4.dirent("a"):], 0xFFFFFF00) }))
	add("record length 0", "record length 0", ext4.damage(func(b []byte) { le.PutUint16(b[ext4.dirent("a")+4:], 0) }))
	add("free inode", "not in use", ext4.damage(func(b []byte) { le.PutUint16(b[ext4.inode("a"):], 0) }))
	add("symlink target too long", "symlink target of", ext4.damage(func(b []byte) { le.PutUint32(b[ext4.inode("long")+4:], 1<<20) }))
	add("unknown xattr index", "unknown name index 99", ext4.damage(func(b []byte) {
		a := ext4.inode("a")
		body := a + goodOldInodeSize + int64(le.Uint16(b[a+0x80:]))
		b[body+4+1] = 99
	}))
	add("xattr block magic", "magic", ext4.damage(func(b []byte) {
		x := ext4.inode("sub/x")
		le.PutUint32(b[ext4.block(uint64(le.Uint32(b[x+0x68:]))):], 0x1234)
	}))
	add("inode table outside", "inode table at block", ext4.damage(func(b []byte) {
		le.PutUint32(b[ext4.block(ext4.f.sb.firstDataBlock+1)+8:], 0xFFFFFF)
	}))
	add("truncated", "the image only 65536 bytes (truncated?)", ext4.img[:64<<10])
	add("block count past the image", "(truncated?)", ext4.super(func(sb []byte) { le.PutUint32(sb[0x4:], 0xFFFFFFF0) }))
	add("needs recovery", "the journal needs recovery", ext4.super(func(sb []byte) { le.PutUint32(sb[0x60:], le.Uint32(sb[0x60:])|incompatRecover) }))
	add("unknown feature", "not support: unknown 0x40000000", ext4.super(func(sb []byte) { le.PutUint32(sb[0x60:], le.Uint32(sb[0x60:])|0x40000000) }))
	add("compression", "not support: compression", ext4.super(func(sb []byte) { le.PutUint32(sb[0x60:], le.Uint32(sb[0x60:])|incompatCompression) }))
	add("superblock checksum", "checksum", ext4.damage(func(b []byte) { b[superOffset+0x78]++ }))
	add("block size", "block size 2^(10+7)", ext4.super(func(sb []byte) { le.PutUint32(sb[0x18:], 7) }))
	add("inodes per group", "inodes per group", ext4.super(func(sb []byte) { le.PutUint32(sb[0x28:], 0) }))

	ext2 := openSeed(t, "ext2")
	add("indirect block past the end", "indirect block (level 1)", ext2.damage(func(b []byte) { le.PutUint32(b[ext2.inode("big")+0x28+4*12:], 0xFFFFFF) }))
	add("ext2 directory loop", "reached twice", ext2.damage(func(b []byte) { le.PutUint32(b[ext2.dirent("sub"):], rootIno) }))
	inline := openSeed(t, "inline")
	add("inline size", "bytes are inline", inline.damage(func(b []byte) { le.PutUint32(b[inline.inode("sub/x")+4:], 5000) }))

	add("not ext", "not an ext2/ext3/ext4 filesystem (magic", bytes.Repeat([]byte("firmwright"), 1000))
	add("tiny", "too small for a superblock", []byte("x"))
	return out
}

// TestDamaged reads each damaged image: each must fail with its error,
// quickly, without a panic, and allocating little.
func TestDamaged(t *testing.T) {
	for _, d := range damagedImages(t) {
		t.Run(strings.ReplaceAll(d.name, " ", "-"), func(t *testing.T) {
			alloc, err := readBounded(t, d.img)
			if err == nil || !strings.Contains(err.Error(), d.want) {
				t.Errorf("got error %v, want one containing %q", err, d.want)
			}
			if limit := allocLimit(len(d.img)); alloc > limit {
				t.Errorf("allocated %d bytes reading a %d-byte image (limit %d)", alloc, len(d.img), limit)
			}
		})
	}
}

// allocLimit is how much reading an image of n bytes may allocate: four
// times its size for its structures, and 8 MiB for the tree. An entry
// costs a few hundred bytes and a directory entry can take as little as
// 12: a small image full of hard links (7000 in 200 KiB, made by mke2fs)
// takes 3.4 MiB, and the densest one a fuzzer can make of 128 KiB
// (10,000 names) about 6 MiB.
func allocLimit(n int) uint64 { return 4*uint64(n) + 8<<20 }

// readBounded reads img and all its files, returning the bytes
// allocated and the error; a panic or a read that does not end is a failure.
func readBounded(t testing.TB, img []byte) (uint64, error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v", r)
			}
		}()
		done <- readEverything(img)
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("still reading after 30s")
	}
	runtime.ReadMemStats(&after)
	if err != nil && strings.HasPrefix(err.Error(), "panic") {
		t.Fatal(err)
	}
	return after.TotalAlloc - before.TotalAlloc, err
}
