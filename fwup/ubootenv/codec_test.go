package ubootenv

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/internal/reffwup"
)

// TestDecodeFixture reads the environment fwup wrote at block 16 of the
// reference image: the variables must be what fw_printenv printed of it
// (recorded), its CRC right, and encoding it again the same bytes.
func TestDecodeFixture(t *testing.T) {
	img := fwtest.ReadZstd(t, filepath.Join(fixtures, "complete.img.zst"))
	printed := reffwup.Verdict(t, fwtest.Recording(t, "ubootenv"), "fw_printenv of complete.img", func(fwup string) string {
		dir := t.TempDir()
		out := filepath.Join(dir, "complete.img")
		if r := reffwup.Run(t, fwup, dir, "-a", "-q", "-d", out, "-i", fwtest.Ref(t, "ref-signed.fw"), "-t", "complete"); r.Exit != 0 {
			t.Fatalf("fwup: %+v", r)
		}
		os.WriteFile(filepath.Join(dir, "fw_env.config"), []byte(out+" 0x2000 0x2000\n"), 0o644)
		b, err := exec.Command(oracle.Tool(t, "fw_printenv"), "-c", filepath.Join(dir, "fw_env.config")).Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	})
	var want []Var
	for _, line := range strings.Split(strings.TrimSpace(printed), "\n") {
		name, value, _ := strings.Cut(line, "=")
		want = append(want, Var{name, value})
	}
	e := newEnv(t, "block-offset = 16 block-count = 16")
	block := img[16*BlockSize : 32*BlockSize]
	if err := e.Decode(block); err != nil {
		t.Fatal(err)
	}
	if got := e.Vars(); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if crc := crc32.ChecksumIEEE(block[4:]); binary.LittleEndian.Uint32(block) != crc {
		t.Errorf("stored CRC %#x, computed %#x", binary.LittleEndian.Uint32(block), crc)
	}
	again, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, block) {
		t.Errorf("re-encoded environment differs")
	}
}

func TestEncodeLayout(t *testing.T) {
	e := newEnv(t, "block-offset = 0 block-count = 1")
	e.Set("b", "2")
	e.Set("a", "1")
	e.Set("B", "")
	got, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	data := "B=\x00a=1\x00b=2\x00\x00"
	want := append([]byte("CRC!"+data), bytes.Repeat([]byte{0xff}, BlockSize-4-len(data))...)
	binary.LittleEndian.PutUint32(want, crc32.ChecksumIEEE(want[4:]))
	if !bytes.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}

	// Redundant: the flag byte is Flags+1 and outside the CRC.
	r := newEnv(t, "block-offset = 0 block-count = 1 block-offset-redund = 1")
	r.Flags = 0xff
	got, err = r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if got[4] != 0 || got[5] != 0 || binary.LittleEndian.Uint32(got) != crc32.ChecksumIEEE(got[5:]) {
		t.Errorf("redundant header % x", got[:6])
	}
}

// TestEncodeRoom checks the size limit: a variable may not reach the last
// two bytes (fwup accepts 505 bytes of name=value in a 512-byte block and
// refuses 506).
func TestEncodeRoom(t *testing.T) {
	for _, tc := range []struct {
		redund    bool
		valueLen  int
		wantError bool
	}{
		{false, 503, false},
		{false, 504, true},
		{true, 502, false},
		{true, 503, true},
	} {
		body := "block-offset = 0 block-count = 1"
		if tc.redund {
			body += " block-offset-redund = 1"
		}
		e := newEnv(t, body)
		e.Set("n", strings.Repeat("v", tc.valueLen))
		data, err := e.Encode()
		if tc.wantError {
			if err == nil || err.Error() != "Not enough room in U-boot environment" {
				t.Errorf("%+v: got %v", tc, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		if string(data[509:]) != "\x00\x00\xff" {
			t.Errorf("%+v: tail % x", tc, data[509:])
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	e := newEnv(t, "block-offset = 7 block-count = 1")
	block := func(data string) []byte {
		b := append([]byte("CRC!"+data), bytes.Repeat([]byte{0xff}, BlockSize-4-len(data))...)
		binary.LittleEndian.PutUint32(b, crc32.ChecksumIEEE(b[4:]))
		return b
	}
	for _, tc := range []struct {
		data string
		want []Var
		err  string
	}{
		{"\x00", nil, ""},
		{"a=1\x00\x00junk", []Var{{"a", "1"}}, ""},
		{"a=1\x00b==x=\x00\x00", []Var{{"a", "1"}, {"b", "=x="}}, ""},
		{"==1\x00\x00", []Var{{"=", "1"}}, ""},
		{"a=\x00\x00", []Var{{"a", ""}}, ""},
		{"a=1\x00a=2\x00\x00", []Var{{"a", "2"}, {"a", "1"}}, ""}, // list order: last read first
		{"a=1\x00b\x00\x00", []Var{{"a", "1"}}, "Invalid U-boot environment"},
		{"=\x00\x00", nil, "Invalid U-boot environment"},
		{"a=1\x00" + strings.Repeat("x", BlockSize-8), []Var{{"a", "1"}}, "Invalid U-boot environment"},
		{"a=" + strings.Repeat("x", BlockSize-6), nil, "Invalid U-boot environment"},
	} {
		err := e.Decode(block(tc.data))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.err || !slices.Equal(e.Vars(), tc.want) {
			t.Errorf("%q: got %q, %q; want %q, %q", tc.data, e.Vars(), got, tc.want, tc.err)
		}
	}

	// Duplicates: the last one read wins, as in fwup.
	if err := e.Decode(block("a=1\x00a=2\x00\x00")); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Get("a"); v != "2" {
		t.Errorf("duplicate: Get = %q", v)
	}

	bad := block("a=1\x00\x00")
	bad[0] ^= 1
	err := e.Decode(bad)
	want := "U-boot environment (block 7) CRC32 mismatch (expected 0x" // rest depends on the CRC
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("bad CRC: %v", err)
	}
	if err := e.Decode(make([]byte, 100)); err == nil {
		t.Errorf("short block accepted")
	}
}

func TestGetSetUnset(t *testing.T) {
	e := newEnv(t, "block-offset = 0 block-count = 1")
	if _, err := e.Get("x"); err == nil || err.Error() != "variable 'x' not found" {
		t.Errorf("Get missing: %v", err)
	}
	e.Set("x", "1")
	e.Set("y", "2")
	e.Set("x", "3")
	e.Set("nul\x00cut", "v\x00w")
	e.Unset("y")
	e.Unset("missing")
	want := []Var{{"nul", "v"}, {"x", "3"}}
	if got := e.Vars(); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}

	// Round trip through Encode and Decode.
	data, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d := newEnv(t, "block-offset = 0 block-count = 1")
	if err := d.Decode(data); err != nil {
		t.Fatal(err)
	}
	if got := d.Vars(); !slices.Equal(got, want) {
		t.Errorf("round trip: got %q, want %q", got, want)
	}
	if _, err := d.Get("y"); err == nil {
		t.Errorf("unset variable came back")
	}
}
