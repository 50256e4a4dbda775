package fwup

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/vcdiff"
	"github.com/firmwright/firmwright/fwup/vcdiff/vcdifftest"
	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/oracle"
)

// deltaConfig is an A/B layout of the kind the systems use: a FAT boot
// partition and a raw root filesystem per slot; the upgrade writes slot B
// with its root filesystem patched against slot A and its kernel against
// boot A's.
const deltaConfig = `
define(BOOT_A, 2048)
define(BOOT_B, 18432)
define(ROOTFS_A, 34816)
define(ROOTFS_B, 43008)
meta-platform = "test"
meta-version = "${VERSION}"
file-resource zImage { host-path = "${DIR}/zImage" }
file-resource rootfs.img { host-path = "${DIR}/rootfs.img" }
task complete {
	on-init { fat_mkfs(${BOOT_A}, 16384) }
	on-resource zImage { fat_write(${BOOT_A}, "zImage") }
	on-resource rootfs.img { raw_write(${ROOTFS_A}) }
}
task upgrade {
	on-init { fat_mkfs(${BOOT_B}, 16384) }
	on-resource zImage {
		delta-source-fat-offset = ${BOOT_A}
		delta-source-fat-path = "zImage"
		fat_write(${BOOT_B}, "zImage")
	}
	on-resource rootfs.img {
		delta-source-raw-offset = ${ROOTFS_A}
		delta-source-raw-count = 8192
		raw_write(${ROOTFS_B})
	}
}
`

// deltaPair makes v1 and v2 of deltaConfig's resources (v2 edits a few
// places of v1) and their archives.
func deltaPair(t *testing.T) (v1, v2 string) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.IntN(64))
		}
		return b
	}
	files := map[string][]byte{"zImage": random(600 << 10), "rootfs.img": random(3 << 20)}
	make := func(version string, edit bool) string {
		dir := t.TempDir()
		for name, data := range files {
			data = bytes.Clone(data)
			if edit {
				copy(data[len(data)/3:], random(5000))
				copy(data[len(data)*2/3:], "version two")
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		fw := filepath.Join(dir, "v.fw")
		f, err := os.Create(fw)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, err = Create(f, []byte(deltaConfig), CreateOptions{Env: map[string]string{"DIR": dir, "VERSION": version},
			Name: "delta.conf", Time: time.Unix(1700000000, 0)})
		if err != nil {
			t.Fatal(err)
		}
		return fw
	}
	return make("1", false), make("2", true)
}

func applyTo(t *testing.T, img *apply.Memory, fw, task string) error {
	t.Helper()
	f, err := os.Open(fw)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return apply.Run(f, img, apply.Options{Task: task})
}

func makePatch(t *testing.T, old, nu string) (string, []PatchedResource) {
	t.Helper()
	of, _ := os.Open(old)
	defer of.Close()
	nf, _ := os.Open(nu)
	defer nf.Close()
	os1, _ := of.Stat()
	ns, _ := nf.Stat()
	var got []PatchedResource
	out := filepath.Join(t.TempDir(), "patch.fw")
	var b bytes.Buffer
	err := Patch(&b, of, nf, os1.Size(), ns.Size(), PatchOptions{TempDir: t.TempDir(), Report: func(r PatchedResource) { got = append(got, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out, got
}

// TestPatchAppliesLikeTheFullUpdate: a card on v1 upgraded with the delta
// from v1 to v2 ends as one upgraded with v2 itself, byte for byte; the
// delta is small, keeps v2's meta.conf and verifies.
func TestPatchAppliesLikeTheFullUpdate(t *testing.T) {
	v1, v2 := deltaPair(t)
	patch, res := makePatch(t, v1, v2)
	if len(res) != 2 || !res[0].Patched || !res[1].Patched {
		t.Fatalf("resources patched: %+v", res)
	}
	if st, _ := os.Stat(patch); st.Size() > 200<<10 {
		t.Errorf("the delta is %d bytes", st.Size())
	}
	if !bytes.Equal(fwtest.MetaConf(t, patch), fwtest.MetaConf(t, v2)) {
		t.Error("the delta's meta.conf is not v2's")
	}
	if msg, err := Verify(mustOpen(t, patch), "patch.fw", nil, map[string]string{}); err != nil {
		t.Errorf("-V of the delta: %v %s", err, msg)
	}
	full, delta := &apply.Memory{}, &apply.Memory{}
	for _, img := range []*apply.Memory{full, delta} {
		if err := applyTo(t, img, v1, "complete"); err != nil {
			t.Fatal(err)
		}
	}
	if err := applyTo(t, full, v2, "upgrade"); err != nil {
		t.Fatal(err)
	}
	if err := applyTo(t, delta, patch, "upgrade"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(full.Bytes(), delta.Bytes()) {
		t.Error("the delta update made another image than the full one")
	}
	// A delta on a new card has no source to patch: fwup's message.
	var noSource *apply.DeltaWithoutSourceError
	if err := applyTo(t, &apply.Memory{}, patch, "complete"); !errors.As(err, &noSource) || noSource.Resource != "zImage" {
		t.Errorf("the delta's complete task: %v", err)
	}
}

// TestPatchOfSparseResource: a sparse resource is never taken for a
// patch (fwup's rule); one replaced by a patch fails its length or hash,
// naming it.
func TestPatchOfSparseResource(t *testing.T) {
	dir := t.TempDir()
	f, _ := os.Create(filepath.Join(dir, "sparse"))
	f.WriteAt([]byte("data"), 0)
	f.WriteAt([]byte("more"), 1<<20)
	f.Close()
	cfg := `file-resource s { host-path = "${DIR}/sparse" skip-holes = true }
task upgrade { on-resource s { delta-source-raw-offset = 0 delta-source-raw-count = 4096 raw_write(8192) } }`
	var fw bytes.Buffer
	if _, err := Create(&fw, []byte(cfg), CreateOptions{Env: map[string]string{"DIR": dir}, Name: "s.conf"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(metaConfOfBytes(t, fw.Bytes())), "length={") {
		t.Skip("this filesystem keeps no holes")
	}
	p := filepath.Join(dir, "s.fw")
	os.WriteFile(p, fw.Bytes(), 0o644)
	bad := fwtest.ReplaceEntry(t, p, "data/s", patchOf(t, []byte("data"), []byte("data more")))
	err := applyTo(t, &apply.Memory{}, bad, "upgrade")
	if err == nil || !strings.Contains(err.Error(), "'s'") {
		t.Errorf("a patch in place of a sparse resource: %v", err)
	}
}

func metaConfOfBytes(t *testing.T, fw []byte) []byte {
	p := filepath.Join(t.TempDir(), "x.fw")
	os.WriteFile(p, fw, 0o644)
	return fwtest.MetaConf(t, p)
}

// TestPatchRefusals: a pair of one firmware, of firmware for other
// devices, or without delta sources makes no delta.
func TestPatchRefusals(t *testing.T) {
	v1, _ := deltaPair(t)
	of := mustOpen(t, v1)
	st, _ := of.Stat()
	if err := Patch(&bytes.Buffer{}, of, of, st.Size(), st.Size(), PatchOptions{TempDir: t.TempDir()}); !errors.Is(err, ErrNothingToPatch) {
		t.Errorf("v1 to v1: %v", err)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`meta-platform = "test"`, `meta-platform = "other"`, `platform "test", the new one for "other"`},
		{"delta-source-raw-offset = ${ROOTFS_A}", "", "task upgrade's on-resource zImage"},
	} {
		cfg := strings.Replace(deltaConfig, tc.from, tc.to, 1)
		if tc.to == "" {
			cfg = strings.NewReplacer("delta-source-raw-offset = ${ROOTFS_A}", "", "delta-source-fat-offset = ${BOOT_A}", "").Replace(deltaConfig)
		}
		dir := filepath.Dir(v1)
		var other bytes.Buffer
		if _, err := Create(&other, []byte(cfg), CreateOptions{Env: map[string]string{"DIR": dir, "VERSION": "3"}, Name: "o.conf"}); err != nil {
			t.Fatal(err)
		}
		err := Patch(&bytes.Buffer{}, of, bytes.NewReader(other.Bytes()), st.Size(), int64(other.Len()), PatchOptions{TempDir: t.TempDir()})
		if !errors.Is(err, ErrNothingToPatch) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.to, err, tc.want)
		}
	}
}

// TestXdelta3Patches: patches made the NervesHub way by Debian's xdelta3
// (-A -S none) apply as ours do; ours decode with xdelta3 -d; a patch
// with secondary compression, against another source, or cut short fails
// with a DeltaError and leaves slot A as it was.
func TestXdelta3Patches(t *testing.T) {
	xdelta3 := oracle.Tool(t, "xdelta3")
	v1, v2 := deltaPair(t)
	dir := t.TempDir()
	oldRoot, newRoot := filepath.Join(filepath.Dir(v1), "rootfs.img"), filepath.Join(filepath.Dir(v2), "rootfs.img")
	xpatch := func(flags ...string) []byte {
		out := filepath.Join(dir, "x.vcdiff")
		args := append(append([]string{"-e", "-f"}, flags...), "-s", oldRoot, newRoot, out)
		if b, err := exec.Command(xdelta3, args...).CombinedOutput(); err != nil {
			t.Fatalf("xdelta3 %v: %v\n%s", args, err, b)
		}
		b, _ := os.ReadFile(out)
		return b
	}
	ours, _ := makePatch(t, v1, v2)
	// xdelta3 -d of our rootfs patch gives v2's rootfs.
	ourPatch := fwtest.Entry(t, ours, "data/rootfs.img")
	os.WriteFile(filepath.Join(dir, "ours.vcdiff"), ourPatch, 0o644)
	decoded := filepath.Join(dir, "decoded")
	if b, err := exec.Command(xdelta3, "-d", "-f", "-s", oldRoot, filepath.Join(dir, "ours.vcdiff"), decoded).CombinedOutput(); err != nil {
		t.Fatalf("xdelta3 -d of our patch: %v\n%s", err, b)
	}
	if a, b := mustRead(t, decoded), mustRead(t, newRoot); !bytes.Equal(a, b) {
		t.Error("xdelta3 -d of our patch is not v2's rootfs")
	}
	want := &apply.Memory{}
	applyTo(t, want, v1, "complete")
	applyTo(t, want, v2, "upgrade")
	for _, tc := range []struct {
		name  string
		patch []byte
		fails error
	}{
		{"xdelta3 -A -S none", xpatch("-A", "-S", "none"), nil},
		{"xdelta3 -S none -n", xpatch("-S", "none", "-n"), nil},
		{"xdelta3 with LZMA", xpatch(), vcdiff.ErrSecondaryCompression},
		{"against another source", patchOf(t, mustRead(t, newRoot), mustRead(t, newRoot)), vcdiff.ErrChecksum},
		{"cut short", ourPatch[:len(ourPatch)/2], nil},
		{"a window over 64 MiB", vcdifftest.HugeWindow(), vcdiff.ErrWindowTooLarge},
		{"copies past delta-source-raw-count", patchOf(t, append(bytes.Repeat([]byte{9}, 2<<20), mustRead(t, oldRoot)...), mustRead(t, newRoot)), vcdiff.ErrSourceSegment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fw := fwtest.ReplaceEntry(t, v2, "data/rootfs.img", tc.patch)
			img := &apply.Memory{}
			applyTo(t, img, v1, "complete")
			before := img.Bytes()
			err := applyTo(t, img, fw, "upgrade")
			if tc.name == "cut short" || tc.fails != nil {
				var de *apply.DeltaError
				if !errors.As(err, &de) || de.Resource != "rootfs.img" || tc.fails != nil && !errors.Is(err, tc.fails) {
					t.Fatalf("got %v, want a DeltaError of rootfs.img (%v)", err, tc.fails)
				}
				// Slot A, the running one, is untouched.
				a := 34816 * 512
				if !bytes.Equal(img.Bytes()[a:a+3<<20], before[a:a+3<<20]) {
					t.Error("the failed update changed slot A")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(img.Bytes(), want.Bytes()) {
				t.Error("image differs from the full update's")
			}
		})
	}
}

func patchOf(t *testing.T, src, target []byte) []byte {
	var b bytes.Buffer
	if err := vcdiff.Encode(&b, bytes.NewReader(src), int64(len(src)), bytes.NewReader(target), vcdiff.EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustOpen(t *testing.T, p string) *os.File {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
