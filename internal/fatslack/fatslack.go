package fatslack

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"slices"
	"strings"
)

// ErrMalformed is returned where the script stops with a Python exception
// (a truncated table or directory entry, a FAT entry past the FAT's end)
// or would grow the image by writing slack past its end.
var ErrMalformed = errors.New("fatslack: malformed image")

// Mask zeroes the slack after the end of every file in its last cluster,
// in every FAT filesystem found in img, in place, and returns how many
// file tails it zeroed. On error img may be partly masked, as the script
// leaves a file it stops on.
func Mask(img []byte) (tails int, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, ok := r.(malformed)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%w: %s", ErrMalformed, string(m))
		}
	}()
	d := disk(img)
	starts := append(d.partitions(), scan(img)...)
	slices.Sort(starts)
	for _, base := range slices.Compact(starts) {
		tails += d.maskFAT(base)
	}
	return tails, nil
}

// MaskedSHA256 returns the hex sha256 of img after Mask, as the script
// prints it. img itself is not modified (a copy is masked). If Mask fails,
// the result is "error: " and the reason, which never equals a hash.
func MaskedSHA256(img []byte) string {
	c := bytes.Clone(img)
	if _, err := Mask(c); err != nil {
		return "error: " + err.Error()
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:])
}

// ReadSums reads a file of "SHA256  NAME" lines, as sha256sum writes
// them (images.masked.sha256 in the fwup reference fixtures), into a map
// from name to sum.
func ReadSums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 2*sha256.Size {
			return nil, fmt.Errorf("%s: not a sha256sum line: %q", path, sc.Text())
		}
		sums[name] = sum
	}
	return sums, sc.Err()
}

// malformed is the panic value for the script's exceptions.
type malformed string

func u16(b []byte, o int64) int64 {
	if o < 0 || o+2 > int64(len(b)) {
		panic(malformed(fmt.Sprintf("2-byte field at %d of a %d-byte record", o, len(b))))
	}
	return int64(binary.LittleEndian.Uint16(b[o:]))
}

func u32(b []byte, o int64) int64 {
	if o < 0 || o+4 > int64(len(b)) {
		panic(malformed(fmt.Sprintf("4-byte field at %d of a %d-byte record", o, len(b))))
	}
	return int64(binary.LittleEndian.Uint32(b[o:]))
}

func u64(b []byte, o int) uint64 {
	if o+8 > len(b) {
		panic(malformed(fmt.Sprintf("8-byte field at %d of a %d-byte record", o, len(b))))
	}
	return binary.LittleEndian.Uint64(b[o:])
}

func at(b []byte, i int) byte {
	if i >= len(b) {
		panic(malformed(fmt.Sprintf("byte %d of a %d-byte record", i, len(b))))
	}
	return b[i]
}

// sectors multiplies a sector number by 512, saturating: offsets past
// the image all read as nothing.
func sectors(lba uint64) uint64 {
	hi, lo := bits.Mul64(lba, 512)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// disk is an image read like a file: reads past the end come back short.
type disk []byte

// read returns a copy of up to n bytes at off, as Python's seek and read.
func (d disk) read(off, n uint64) []byte {
	if off >= uint64(len(d)) {
		return nil
	}
	return bytes.Clone(d[off : off+min(n, uint64(len(d))-off)])
}

// zero writes n zero bytes at off, as seek and write.
func (d disk) zero(off, n int64) {
	if off < 0 || off+n > int64(len(d)) {
		panic(malformed(fmt.Sprintf("slack at %d+%d is past the image's %d bytes", off, n, len(d))))
	}
	clear(d[off : off+n])
}

func signed(b []byte) bool {
	return len(b) >= 512 && b[510] == 0x55 && b[511] == 0xAA
}

// partitions returns the byte offsets the partition tables name, or 0.
func (d disk) partitions() []uint64 {
	mbr := d.read(0, 512)
	if !signed(mbr) {
		return []uint64{0}
	}
	var starts []uint64
	for i := range 4 {
		e := mbr[446+16*i : 462+16*i]
		ptype, lba := e[4], uint64(u32(e, 8))
		switch {
		case ptype == 0xEE: // protective MBR: read the GPT
			hdr := d.read(512, 512)
			if !bytes.HasPrefix(hdr, []byte("EFI PART")) {
				continue
			}
			entLBA, n, size := u64(hdr, 72), uint64(u32(hdr, 80)), uint64(u32(hdr, 84))
			hi, lo := bits.Mul64(n, size)
			if hi != 0 {
				lo = math.MaxUint64
			}
			tbl := d.read(sectors(entLBA), lo)
			for k := range n {
				var ent []byte
				if k*size < uint64(len(tbl)) {
					ent = tbl[k*size : min((k+1)*size, uint64(len(tbl)))]
				}
				if len(ent) >= 16 && bytes.Equal(ent[:16], make([]byte, 16)) {
					continue
				}
				starts = append(starts, sectors(u64(ent, 32)))
			}
		case ptype == 0x05 || ptype == 0x0F || ptype == 0x85: // extended: follow the EBR chain
			ebr := lba
			for range 64 {
				r := d.read(sectors(ebr), 512)
				if !signed(r) {
					break
				}
				if r[446+4] != 0 {
					starts = append(starts, sectors(ebr+uint64(u32(r, 446+8))))
				}
				next := uint64(u32(r, 462+8))
				if r[462+4] == 0 || next == 0 {
					break
				}
				ebr = lba + next
			}
		case ptype != 0:
			starts = append(starts, sectors(lba))
		}
	}
	if len(starts) == 0 {
		return []uint64{0}
	}
	return starts
}

// scan returns the offsets of the sectors that look like a FAT boot sector.
// A FAT32 volume's backup boot sector is not a filesystem of its own: it
// is skipped (the script stumbles over it).
func scan(img []byte) []uint64 {
	var found []uint64
	for o := 0; o+512 <= len(img); o += 512 {
		s := img[o : o+512]
		if !signed(s) || !(string(s[54:59]) == "FAT12" || string(s[54:59]) == "FAT16" || string(s[82:87]) == "FAT32") {
			continue
		}
		if string(s[82:87]) == "FAT32" {
			if b := int(u16(s, 50)); b > 0 && o >= b*512 &&
				string(img[o-b*512:o-b*512+512]) == string(s) {
				continue // the backup of the boot sector b sectors back
			}
		}
		found = append(found, uint64(o))
	}
	return found
}

// floorDiv is Python's //.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// fatGeom is where a FAT filesystem's parts are, read from its boot
// sector.
type fatGeom struct {
	d                         disk
	bs, fat                   []byte
	b, bps, spc, data         int64
	rsv, nfats, fatsz         int64
	rootsecs, clusters, csize int64
	kind                      int
	eoc                       int64
}

// readGeom reads the boot sector at byte offset base; ok is false when no
// FAT filesystem is there.
func (d disk) readGeom(base uint64) (g fatGeom, ok bool) {
	bs := d.read(base, 512)
	if !signed(bs) {
		return g, false
	}
	g = fatGeom{d: d, bs: bs, b: int64(base)} // base < len(d) from here on
	g.bps, g.spc, g.rsv, g.nfats = u16(bs, 11), int64(bs[13]), u16(bs, 14), int64(bs[16])
	rootent := u16(bs, 17)
	if (g.bps != 512 && g.bps != 1024 && g.bps != 2048 && g.bps != 4096) || g.spc == 0 || g.nfats == 0 {
		return g, false
	}
	tot := u16(bs, 19)
	if tot == 0 {
		tot = u32(bs, 32)
	}
	if g.fatsz = u16(bs, 22); g.fatsz == 0 {
		g.fatsz = u32(bs, 36)
	}
	g.rootsecs = (rootent*32 + g.bps - 1) / g.bps
	g.data = g.rsv + g.nfats*g.fatsz + g.rootsecs
	g.clusters = floorDiv(tot-g.data, g.spc)
	g.kind, g.eoc = 32, 0x0FFFFFF8
	switch {
	case g.clusters < 4085:
		g.kind, g.eoc = 12, 0xFF8
	case g.clusters < 65525:
		g.kind, g.eoc = 16, 0xFFF8
	}
	g.fat = d.read(uint64(g.b+g.rsv*g.bps), uint64(g.fatsz*g.bps))
	g.csize = g.spc * g.bps
	return g, true
}

func (g *fatGeom) next(c int64) int64 {
	switch g.kind {
	case 12:
		v := u16(g.fat, c+c/2)
		if c&1 != 0 {
			return v >> 4
		}
		return v & 0xFFF
	case 16:
		return u16(g.fat, 2*c)
	}
	return u32(g.fat, 4*c) & 0x0FFFFFFF
}

func (g *fatGeom) chain(c int64) []int64 {
	var cs []int64
	for seen := int64(0); 2 <= c && c < g.eoc && seen <= g.clusters; seen++ {
		cs = append(cs, c)
		c = g.next(c)
	}
	return cs
}

func (g *fatGeom) clusterOffset(c int64) int64 { return g.b + (g.data+(c-2)*g.spc)*g.bps }

// readDir reads the directory whose first cluster is first (0: the root).
func (g *fatGeom) readDir(first int64) []byte {
	if first == 0 && g.kind != 32 {
		return g.d.read(uint64(g.b+(g.rsv+g.nfats*g.fatsz)*g.bps), uint64(g.rootsecs*g.bps))
	}
	if first == 0 {
		first = u32(g.bs, 44)
	}
	var out []byte
	for _, c := range g.chain(first) {
		out = append(out, g.d.read(uint64(g.clusterOffset(c)), uint64(g.csize))...)
	}
	return out
}

// maskFAT zeroes the file slack of a FAT filesystem at byte offset base,
// if one is there, and returns how many file tails it zeroed.
func (d disk) maskFAT(base uint64) int {
	g, ok := d.readGeom(base)
	if !ok {
		return 0
	}
	masked, todo, done := 0, []int64{0}, map[int64]bool{}
	for len(todo) > 0 {
		dir := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if done[dir] {
			continue
		}
		done[dir] = true
		n, subdirs := g.maskDir(g.readDir(dir))
		masked += n
		todo = append(todo, subdirs...)
	}
	return masked
}

// maskDir zeroes the slack of the files a directory lists, and returns
// how many it zeroed and the first clusters of its subdirectories.
func (g *fatGeom) maskDir(dirBytes []byte) (masked int, subdirs []int64) {
	for o := 0; o < len(dirBytes); o += 32 {
		e := dirBytes[o:min(o+32, len(dirBytes))]
		if e[0] == 0 {
			break
		}
		if e[0] == 0xE5 || at(e, 11) == 0x0F || e[11]&0x08 != 0 {
			continue
		}
		if name := string(e[:min(2, len(e))]); name == ". " || name == ".." {
			continue
		}
		first := u16(e, 26)
		if g.kind == 32 {
			first |= u16(e, 20) << 16
		}
		if e[11]&0x10 != 0 {
			if first != 0 {
				subdirs = append(subdirs, first)
			}
			continue
		}
		size := u32(e, 28)
		if size == 0 || size%g.csize == 0 {
			continue
		}
		cs := g.chain(first)
		if len(cs) == 0 {
			continue
		}
		last := cs[min(int64(len(cs)-1), (size-1)/g.csize)]
		tail := size % g.csize
		g.d.zero(g.clusterOffset(last)+tail, g.csize-tail)
		masked++
	}
	return masked, subdirs
}
