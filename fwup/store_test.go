package fwup

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestStoreIncompressible: create stores a resource deflate shrinks by
// less than 1% (random bytes, as a SquashFS image or a gzipped kernel
// look) and deflates one it shrinks; fwup mode deflates both, as fwup.
// Every entry reads back to its data, and the output is the same for any
// number of workers.
func TestStoreIncompressible(t *testing.T) {
	dir := t.TempDir()
	random := randomBytes(1, 3<<20+17)
	text := bytes.Repeat([]byte("meta-product=x\nfile-resource\n"), 40000)
	os.WriteFile(filepath.Join(dir, "random.bin"), random, 0o644)
	os.WriteFile(filepath.Join(dir, "text.txt"), text, 0o644)
	conf := []byte("file-resource random.bin { host-path = \"" + filepath.Join(dir, "random.bin") + "\" }\nfile-resource text.txt { host-path = \"" + filepath.Join(dir, "text.txt") + "\" }\n" +
		"task complete { on-resource random.bin { raw_write(0) } on-resource text.txt { raw_write(10000) } }\n")
	methods := map[bool]map[string]uint16{}
	for _, fwupMode := range []bool{false, true} {
		var outs [][]byte
		for _, workers := range []int{1, 3} {
			var buf bytes.Buffer
			opts := CreateOptions{Env: map[string]string{}, Dir: dir, Time: time.Unix(1700000000, 0), Fwup: fwupMode, Workers: workers}
			if _, err := Create(&buf, conf, opts); err != nil {
				t.Fatal(err)
			}
			outs = append(outs, buf.Bytes())
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("fwup mode %v: output depends on the number of workers", fwupMode)
		}
		methods[fwupMode] = map[string]uint16{}
		zr := archive.NewReader(bytes.NewReader(outs[0]))
		for {
			h, err := zr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			methods[fwupMode][h.Name] = h.Method
			want := map[string][]byte{"data/random.bin": random, "data/text.txt": text}[h.Name]
			if want != nil && !bytes.Equal(got, want) {
				t.Errorf("%s reads back wrong", h.Name)
			}
		}
	}
	if m := methods[false]; m["data/random.bin"] != archive.MethodStore || m["data/text.txt"] != archive.MethodDeflate {
		t.Errorf("create: methods %v, want random stored and text deflated", m)
	}
	if m := methods[true]; m["data/random.bin"] != archive.MethodDeflate || m["data/text.txt"] != archive.MethodDeflate {
		t.Errorf("fwup mode: methods %v, want both deflated", m)
	}
}

// TestCreateSeesChangedInputs: a resource changed between Prepare (which
// hashed it for meta.conf) and Write, in place or cut short, fails the
// write, stored or deflated, fwup mode or not.
func TestCreateSeesChangedInputs(t *testing.T) {
	random := randomBytes(3, 2<<20+5)
	inputs := map[string][]byte{"random.bin": random, "text.txt": bytes.Repeat([]byte("file-resource x\n"), 100000)}
	for name, data := range inputs {
		for _, change := range []string{"flip", "cut"} {
			for _, fwupMode := range []bool{false, true} {
				dir := t.TempDir()
				path := filepath.Join(dir, name)
				os.WriteFile(path, data, 0o644)
				conf := []byte("file-resource r { host-path = \"" + path + "\" }\ntask complete { on-resource r { raw_write(0) } }\n")
				opts := CreateOptions{Env: map[string]string{}, Dir: dir, Time: time.Unix(1700000000, 0), Fwup: fwupMode}
				p, err := Prepare(conf, opts)
				if err != nil {
					t.Fatal(err)
				}
				changed := append([]byte(nil), data...)
				if change == "flip" {
					changed[len(changed)/2] ^= 1
				} else {
					changed = changed[:len(changed)-100]
				}
				os.WriteFile(path, changed, 0o644)
				err = p.Write(io.Discard, opts)
				if err == nil || !strings.Contains(err.Error(), "changed while") {
					t.Errorf("%s, %s, fwup mode %v: %v, want an error saying it changed", name, change, fwupMode, err)
				}
			}
		}
	}
}

// randomBytes is n bytes that deflate cannot shrink, as seed makes them.
func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed+1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// TestStoreOption: a resource whose host path is in CreateOptions.Store
// is stored without trying deflate, compressible or not, reads back to
// its data, and a change after Prepare still fails the write.
func TestStoreOption(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "text.txt")
	text := bytes.Repeat([]byte("file-resource x\n"), 100000)
	os.WriteFile(path, text, 0o644)
	conf := []byte("file-resource r { host-path = \"" + path + "\" }\ntask complete { on-resource r { raw_write(0) } }\n")
	opts := CreateOptions{Env: map[string]string{}, Dir: dir, Time: time.Unix(1700000000, 0), Store: []string{path}}
	var buf bytes.Buffer
	if _, err := Create(&buf, conf, opts); err != nil {
		t.Fatal(err)
	}
	if m, got := fwtest.StoredOrDeflated(t, buf.Bytes(), "data/r"); m != archive.MethodStore || !bytes.Equal(got, text) {
		t.Fatalf("data/r: method %d, %d bytes read back; want stored, the file's %d", m, len(got), len(text))
	}
	p, err := Prepare(conf, opts)
	if err != nil {
		t.Fatal(err)
	}
	text[len(text)/2] ^= 1
	os.WriteFile(path, text, 0o644)
	if err := p.Write(io.Discard, opts); err == nil || !strings.Contains(err.Error(), "changed while") {
		t.Errorf("changed after Prepare: %v, want an error saying it changed", err)
	}
}
