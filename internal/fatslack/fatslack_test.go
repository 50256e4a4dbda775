package fatslack

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/reffwup"

	"github.com/firmwright/firmwright/internal/oracle"
)

// fixtures is the fwup reference set (testdata/fwup-ref, made by a real
// fwup with testdata/record-fwup).
const fixtures = "../../testdata/fwup-ref"

// scriptSum is what the independent FAT slack masking script (the one
// this package re-implements; FIRMWRIGHT_FAT_SLACK_MASK) said of img: live
// when recording or when the script is given, else as recorded.
func scriptSum(t *testing.T, name string, img []byte) string {
	t.Helper()
	return reffwup.Verdict(t, fwtest.Recording(t, "fatslack"), name, func(string) string {
		script := os.Getenv("FIRMWRIGHT_FAT_SLACK_MASK")
		if script == "" {
			t.Fatal("FIRMWRIGHT_FAT_SLACK_MASK: set it to the masking script to record or compare with it")
		}
		path := filepath.Join(t.TempDir(), "x.img")
		if err := os.WriteFile(path, img, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(oracle.Tool(t, "python3"), script, path).Output()
		if err != nil {
			t.Fatalf("%s: %v", script, err)
		}
		sum, _, _ := strings.Cut(string(out), " ")
		return sum
	})
}

func TestMaskedSHA256Fixtures(t *testing.T) {
	sums, err := ReadSums(fixtures + "/images.masked.sha256")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		zst, name string
		tails     bool
	}{
		{"complete.img.zst", "complete.img", true},
		{"upgraded-b.img.zst", "upgraded-b.img", true},
		{"misc/gpt.img.zst", "misc/gpt.img", false},
	} {
		t.Run(tc.zst, func(t *testing.T) {
			img := fwtest.ReadZstd(t, filepath.Join(fixtures, tc.zst))
			orig := bytes.Clone(img)
			got := MaskedSHA256(img)
			if !bytes.Equal(img, orig) {
				t.Fatal("MaskedSHA256 modified its argument")
			}
			if tc.name != "" {
				want, ok := sums[tc.name]
				if !ok {
					t.Fatalf("images.masked.sha256 has no %s", tc.name)
				}
				if got != want {
					t.Errorf("masked sha256 %s, want %s", got, want)
				}
			}
			n, err := Mask(bytes.Clone(img))
			if err != nil || (n > 0) != tc.tails {
				t.Errorf("Mask: %d tails, %v; want some: %v", n, err, tc.tails)
			}
			if want := scriptSum(t, tc.name, img); got != want {
				t.Errorf("masked sha256 %s, fat-slack-mask says %s", got, want)
			}
		})
	}
}

// TestMaskSynthetic checks what the fixtures do not reach: the EBR chain,
// a filesystem at offset 0 without a partition table, and a FAT12
// subdirectory, against the script.
func TestMaskSynthetic(t *testing.T) {
	fs := fat12(t)
	// Offset 0, no MBR.
	check(t, "synthetic FAT12 at offset 0", fs, 2)
	// An MBR with an extended partition holding one logical FAT.
	img := make([]byte, 64*512+len(fs))
	copy(img[32*512+512:], fs) // EBR at sector 32, logical partition at 33
	mbrEntry(img[446:], 0x05, 32)
	copy(img[32*512+446:], mbrEntryBytes(0x01, 1))
	img[32*512+510], img[32*512+511] = 0x55, 0xAA
	img[510], img[511] = 0x55, 0xAA
	check(t, "synthetic FAT12 in a logical partition", img, 2)
}

func check(t *testing.T, name string, img []byte, tails int) {
	t.Helper()
	n, err := Mask(bytes.Clone(img))
	if err != nil || n != tails {
		t.Errorf("Mask: %d tails, %v; want %d", n, err, tails)
	}
	if got, want := MaskedSHA256(img), scriptSum(t, name, img); got != want {
		t.Errorf("masked sha256 %s, fat-slack-mask says %s", got, want)
	}
}

func mbrEntryBytes(ptype byte, lba uint32) []byte {
	e := make([]byte, 16)
	mbrEntry(e, ptype, lba)
	return e
}

func mbrEntry(e []byte, ptype byte, lba uint32) {
	e[4] = ptype
	e[8], e[9], e[10], e[11] = byte(lba), byte(lba>>8), byte(lba>>16), byte(lba>>24)
}

// fat12 builds a small FAT12 filesystem (512-byte sectors, 2 sectors per
// cluster) whose root holds file A (700 bytes, clusters 2-3) and
// directory D (cluster 4) holding file B (5 bytes, cluster 5), with
// non-zero bytes in every cluster.
func fat12(t *testing.T) []byte {
	t.Helper()
	const bps, spc, rsv, nfats, fatsz, rootent, tot = 512, 2, 1, 2, 1, 16, 64
	img := bytes.Repeat([]byte{0xA5}, tot*bps)
	bs := img[:bps]
	clear(bs)
	put16 := func(b []byte, o int, v uint16) { b[o], b[o+1] = byte(v), byte(v>>8) }
	put32 := func(b []byte, o int, v uint32) { put16(b, o, uint16(v)); put16(b, o+2, uint16(v>>16)) }
	put16(bs, 11, bps)
	bs[13] = spc
	put16(bs, 14, rsv)
	bs[16] = nfats
	put16(bs, 17, rootent)
	put16(bs, 19, tot)
	put16(bs, 22, fatsz)
	copy(bs[54:], "FAT12   ")
	bs[510], bs[511] = 0x55, 0xAA
	// FAT12: 2 -> 3 -> EOC, 4 -> EOC, 5 -> EOC.
	next := map[int]uint16{2: 3, 3: 0xFFF, 4: 0xFFF, 5: 0xFFF}
	for f := range nfats {
		fat := img[(rsv+f*fatsz)*bps : (rsv+(f+1)*fatsz)*bps]
		clear(fat)
		for c, v := range next {
			o := c + c/2
			if c&1 == 0 {
				fat[o] = byte(v)
				fat[o+1] = fat[o+1]&0xF0 | byte(v>>8)&0x0F
			} else {
				fat[o] = fat[o]&0x0F | byte(v<<4)
				fat[o+1] = byte(v >> 4)
			}
		}
	}
	dirent := func(name string, attr byte, first uint16, size uint32) []byte {
		e := make([]byte, 32)
		copy(e, name)
		e[11] = attr
		put16(e, 26, first)
		put32(e, 28, size)
		return e
	}
	root := img[(rsv+nfats*fatsz)*bps : (rsv+nfats*fatsz+1)*bps]
	clear(root)
	copy(root, dirent("A       TXT", 0x20, 2, 700))
	copy(root[32:], dirent("D          ", 0x10, 4, 0))
	copy(root[64:], dirent("VOLUME     ", 0x08, 0, 0))
	data := rsv + nfats*fatsz + 1
	sub := img[(data+2*spc)*bps : (data+3*spc)*bps]
	clear(sub)
	copy(sub, dirent(".          ", 0x10, 4, 0))
	copy(sub[32:], dirent("..         ", 0x10, 0, 0))
	copy(sub[64:], dirent("B       BIN", 0x20, 5, 5))
	copy(sub[96:], dirent("\xE5       BIN", 0x20, 5, 9))
	return img
}

// TestMaskMalformed: where the script fails (here: file B's slack lies
// past the end of a truncated image, which the script would append), Mask
// reports ErrMalformed.
func TestMaskMalformed(t *testing.T) {
	fs := fat12(t)
	data := (1 + 2*1 + 1) * 512
	fs = fs[:data+3*2*512+100] // inside B's cluster 5, past its 5 bytes
	if _, err := Mask(bytes.Clone(fs)); !errors.Is(err, ErrMalformed) {
		t.Errorf("Mask of a truncated image: %v, want ErrMalformed", err)
	}
	if got := MaskedSHA256(fs); !strings.HasPrefix(got, "error: ") {
		t.Errorf("MaskedSHA256 of a truncated image: %q", got)
	}
}
