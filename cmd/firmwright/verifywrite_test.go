package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/internal/fatslack"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// The reference config's rootfs.img: two 128 KiB chunks, raw_write at
// block 77324 by the complete task.
const (
	refRootfsOffset = 77324 * 512
	refRootfsSize   = 262144
	refImageSize    = 56623104
)

// signedRef creates the reference config signed, with the chunk index or
// without, in dir (a refWorkDir).
func signedRef(t *testing.T, dir string, index bool) string {
	t.Helper()
	t.Chdir(dir)
	out := filepath.Join(dir, "ref-index.fw")
	args := []string{"create", "fwup.conf", "-s", "fwup-key.priv", "-o", out}
	if !index {
		out = filepath.Join(dir, "ref-noindex.fw")
		args = append(args[:len(args)-1], out, "--no-chunk-index")
	}
	if _, stderr, code := runCLI(t, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}, args...); code != 0 {
		t.Fatalf("create: %s", stderr)
	}
	return out
}

// swapSecondChunk is fw with rootfs.img's second 128 KiB swapped for other
// bytes of the same length; meta.conf and its signature untouched.
func swapSecondChunk(t *testing.T, fw string) string {
	t.Helper()
	data := fwtest.Entry(t, fw, "data/rootfs.img")
	for i := 131072; i < len(data); i++ {
		data[i] ^= 0xa5
	}
	return fwtest.ReplaceEntry(t, fw, "data/rootfs.img", data)
}

// patternImage is an existing image of refImageSize bytes of 0x5a.
func patternImage(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	img := filepath.Join(dir, "card.img")
	before := bytes.Repeat([]byte{0x5a}, refImageSize)
	if err := os.WriteFile(img, before, 0o644); err != nil {
		t.Fatal(err)
	}
	return img, before
}

func runCLIStdin(t *testing.T, stdin []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	sys := &system{Stdin: bytes.NewReader(stdin), Stdout: &out, Stderr: &errb, Env: map[string]string{},
		Now: func() time.Time { return time.Unix(1700000000, 0) }, Rand: bytes.NewReader(make([]byte, 64))}
	code = run(sys, args)
	return out.String(), errb.String(), code
}

// TestTamperedNativeApply: a signed .fw with one resource swapped, applied
// by firmwright apply (and burn) to an existing image, fails before
// writing anything, with the chunk index or without.
func TestTamperedNativeApply(t *testing.T) {
	for _, index := range []bool{true, false} {
		dir := refWorkDir(t)
		bad := swapSecondChunk(t, signedRef(t, dir, index))
		img, before := patternImage(t, dir)
		for _, args := range [][]string{
			{"apply", bad, "--device", img, "--task", "complete", "-p", "fwup-key.pub", "-q"},
			{"burn", bad, "--device", img, "-y", "-p", "fwup-key.pub", "-q"},
		} {
			_, stderr, code := runCLI(t, nil, args...)
			if code != 1 || !strings.Contains(stderr, "rootfs.img") || !strings.Contains(stderr, "nothing was written") {
				t.Errorf("index %v: %s: exit %d, %q; want 1 naming rootfs.img", index, args[0], code, stderr)
			}
			if after := fwtest.ReadFile(t, img); !bytes.Equal(after, before) {
				t.Errorf("index %v: %s changed the image", index, args[0])
			}
		}
	}
}

// TestTamperedStreamWithIndex: the same archive, with the chunk index,
// from stdin in fwup mode: exit 1, and nothing of the swapped chunk or
// after it on the image (what came before may be written). Without the
// index fwup mode does as fwup: the swapped chunk is on the image when
// the mismatch is found (which also shows the test can see it).
func TestTamperedStreamWithIndex(t *testing.T) {
	for _, index := range []bool{true, false} {
		dir := refWorkDir(t)
		bad := fwtest.ReadFile(t, swapSecondChunk(t, signedRef(t, dir, index)))
		img, before := patternImage(t, dir)
		out, _, code := runCLIStdin(t, bad, "fwup", "-a", "-q", "-p", "fwup-key.pub", "-d", img, "-t", "complete")
		if code != 1 || !strings.Contains(out, "rootfs.img") {
			t.Fatalf("index %v: exit %d (%q), want 1 naming rootfs.img", index, code, out)
		}
		from := refRootfsOffset + 131072
		after := fwtest.ReadFile(t, img)
		changed := !bytes.Equal(after[from:], before[from:])
		if index && changed {
			t.Errorf("bytes changed at or after the bad chunk (first at image offset %d)", from+firstDiff(after[from:], before[from:]))
		}
		if !index && !changed {
			t.Errorf("without the index, the swapped chunk was not written: the test cannot see a write")
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestVerifyBeforeWrite: fwup mode's --verify-before-write refuses a
// tampered archive file (no index) with the image untouched, and an
// archive on stdin outright.
func TestVerifyBeforeWrite(t *testing.T) {
	dir := refWorkDir(t)
	bad := swapSecondChunk(t, signedRef(t, dir, false))
	img, before := patternImage(t, dir)
	out, _, code := runCLI(t, nil, "fwup", "-a", "-q", "--verify-before-write", "-p", "fwup-key.pub", "-d", img, "-i", bad, "-t", "complete")
	if code != 1 || !strings.Contains(out, "Detected blake2b digest mismatch for rootfs.img") {
		t.Errorf("exit %d, %q", code, out)
	}
	if !bytes.Equal(fwtest.ReadFile(t, img), before) {
		t.Error("the image changed")
	}
	out, _, code = runCLIStdin(t, fwtest.ReadFile(t, bad), "fwup", "-a", "-q", "--verify-before-write", "-d", img, "-t", "complete")
	if code != 1 || !strings.Contains(out, "-i FILE") {
		t.Errorf("stdin: exit %d, %q", code, out)
	}
}

// TestRefFwupAppliesChunkIndexed: real fwup verifies, lists and applies
// the signed archives firmwright create makes of the reference configs,
// chunk index included (fwup skips a resource no task uses); the misc
// image is fwup's own image of the archive without the index (its config
// does not write the UUID, which the index's meta.conf entry changes), and
// firmwright applies either to fwup's image (FAT slack masked).
func TestRefFwupAppliesChunkIndexed(t *testing.T) {
	sums, err := fatslack.ReadSums(refPath(t, "images.masked.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, conf, epoch string }{{"rpi", "fwup.conf", "1700000000"}, {"misc", "misc.conf", "0"}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := refWorkDir(t)
			if tc.name == "misc" {
				dir = fwtest.MiscDir(t)
			}
			t.Chdir(dir)
			fw := filepath.Join(t.TempDir(), "indexed.fw")
			env := map[string]string{"SOURCE_DATE_EPOCH": tc.epoch}
			if _, stderr, code := runCLI(t, env, "create", tc.conf, "-s", refPath(t, "fwup-key.priv"), "-o", fw); code != 0 {
				t.Fatalf("create: %s", stderr)
			}
			if !bytes.Contains(fwtest.MetaConf(t, fw), []byte(`file-resource "`+chunkindex.Resource+`"`)) {
				t.Fatal("create left out the chunk index")
			}
			got := acceptedBy(t, "chunk-index", tc.name, fw)
			if want := sums["misc/gpt.img"]; tc.name == "misc" && !strings.HasPrefix(got.Image, want+" ") {
				t.Errorf("fwup applied the indexed archive to %s, without the index %s", got.Image, want)
			}
			sameListing(t, env, fw, got)
			img := filepath.Join(t.TempDir(), "ours.img")
			if _, stderr, code := runCLIStdin(t, fwtest.ReadFile(t, fw), "fwup", "-a", "-q", "-p", refPath(t, "fwup-key.pub"), "-d", img, "-t", "complete"); code != 0 {
				t.Fatalf("firmwright fwup -a: %s", stderr)
			}
			if ours := maskedFile(filepath.Base(img))(t, filepath.Dir(img)); ours != got.Image {
				t.Errorf("firmwright applied the indexed archive to %s, fwup to %s", ours, got.Image)
			}
		})
	}
}

// TestPatchKeepsChunkIndex: firmwright patch of two indexed archives
// keeps the index (the patched results are the full resources it
// describes), and the delta, from stdin with the key, updates a v1 card
// to the card the full v2 makes, each patched chunk checked.
func TestPatchKeepsChunkIndex(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, refPath(t, "delta"), dir)
	t.Chdir(dir)
	key := refPath(t, "fwup-key.priv")
	for _, v := range []string{"1", "2"} {
		env := map[string]string{"SOURCE_DATE_EPOCH": "1700000000", "VERSION": v + ".0.0", "INPUTS": "inputs-v" + v}
		if _, stderr, code := runCLI(t, env, "create", "delta.conf", "-s", key, "-o", "s"+v+".fw"); code != 0 {
			t.Fatalf("create v%s: %s", v, stderr)
		}
	}
	if _, stderr, code := runCLI(t, nil, "patch", "s1.fw", "s2.fw", "-o", "p.fw"); code != 0 {
		t.Fatalf("patch: %s", stderr)
	}
	if !bytes.Equal(fwtest.Entry(t, "p.fw", "firmwright-chunk-index"), fwtest.Entry(t, "s2.fw", "firmwright-chunk-index")) {
		t.Error("patch changed the chunk index")
	}
	pub := refPath(t, "fwup-key.pub")
	cards := map[string][]byte{}
	for _, update := range []string{"s2.fw", "p.fw"} {
		if _, _, code := runCLI(t, nil, "fwup", "-a", "-q", "-d", update+".img", "-i", "s1.fw", "-t", "complete"); code != 0 {
			t.Fatal("complete")
		}
		if out, _, code := runCLIStdin(t, fwtest.ReadFile(t, update), "fwup", "-a", "-q", "-p", pub, "-d", update+".img", "-t", "upgrade"); code != 0 {
			t.Fatalf("upgrade with %s: %s", update, out)
		}
		cards[update] = fwtest.ReadFile(t, update+".img")
	}
	if !bytes.Equal(cards["s2.fw"], cards["p.fw"]) {
		t.Error("the delta made another card than the full update")
	}
}

// TestVerifySaysChunkIndex: verify checks an indexed archive's chunks and
// says so; an archive without the index gets no such line.
func TestVerifySaysChunkIndex(t *testing.T) {
	dir := refWorkDir(t)
	for fw, want := range map[string]bool{signedRef(t, dir, true): true, signedRef(t, dir, false): false} {
		out, stderr, code := runCLI(t, nil, "verify", fw, "-p", "fwup-key.pub")
		if code != 0 || strings.Contains(out, "matches every 128 KiB of 11 resources") != want {
			t.Errorf("%s: exit %d, %q%s", filepath.Base(fw), code, out, stderr)
		}
	}
}
