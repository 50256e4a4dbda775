package apply

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/internal/fatslack"
	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/reffwup"
)

// refDir is the fwup reference set (testdata/fwup-ref, made by a real
// fwup with testdata/record-fwup).
const refDir = "../../testdata/fwup-ref"

// maskedSums reads images.masked.sha256: the reference images' sha256
// with FAT file slack zeroed.
func maskedSums(t *testing.T) map[string]string {
	t.Helper()
	sums, err := fatslack.ReadSums(refDir + "/images.masked.sha256")
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// fakeHost keeps the files actions write on the host in memory.
type fakeHost struct {
	files map[string]*bytes.Buffer
	runs  []string
}

func (h *fakeHost) PathOnDevice(string, string) bool           { return false }
func (h *fakeHost) PathAtOffset(string, int64) bool            { return false }
func (h *fakeHost) Run(cmd string) (int, error)                { h.runs = append(h.runs, cmd); return 0, nil }
func (h *fakeHost) Pipe(cmd string, r io.Reader) error         { _, err := io.Copy(h.file(cmd), r); return err }
func (h *fakeHost) WriteFile(p string) (io.WriteCloser, error) { return nopCloser{h.file(p)}, nil }

func (h *fakeHost) UpdateUBIVolume(string, int64) (io.WriteCloser, error) {
	return nil, errors.New("no UBI volume here")
}

func (h *fakeHost) file(name string) *bytes.Buffer {
	if h.files == nil {
		h.files = map[string]*bytes.Buffer{}
	}
	b := &bytes.Buffer{}
	h.files[name] = b
	return b
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// applyFile applies an archive to the image file at img as fwup -a -d img
// would, and returns the messages info() printed.
func applyFile(t *testing.T, fw, img, task string, opts Options) ([]string, error) {
	t.Helper()
	in, err := os.Open(fw)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(img, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	st, _ := out.Stat()
	if st.Size() > 0 && opts.Cache.End == 0 {
		opts.Cache.End, opts.Cache.SoftEnd = st.Size(), true
	}
	var infos []string
	opts.Task = task
	opts.Info = func(m string) { infos = append(infos, m) }
	if opts.Host == nil {
		opts.Host = &fakeHost{}
	}
	return infos, Run(in, out, opts)
}

func maskedFileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fatslack.MaskedSHA256(b)
}

func refKey(t *testing.T) ed25519.PublicKey {
	t.Helper()
	b, err := os.ReadFile(refDir + "/fwup-key.pub")
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.ParsePublic(b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestCompleteAndUpgrade: the reference archive's complete task on a new
// file, then upgrade on the result, give fwup's images byte for byte
// (file slack aside, which fwup fills with stale bytes and we with zeros).
func TestCompleteAndUpgrade(t *testing.T) {
	sums := maskedSums(t)
	img := filepath.Join(t.TempDir(), "x.img")
	key := refKey(t)
	if _, err := applyFile(t, refDir+"/ref-signed.fw", img, "complete", Options{PublicKeys: []ed25519.PublicKey{key}}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(img)
	if want := len(fwtest.ReadZstd(t, refDir+"/complete.img.zst")); st.Size() != int64(want) {
		t.Errorf("complete.img is %d bytes, want fwup's %d (128 KiB segments)", st.Size(), want)
	}
	if got := maskedFileSum(t, img); got != sums["complete.img"] {
		t.Fatalf("complete.img masked sha256 = %s, want %s", got, sums["complete.img"])
	}
	host := &fakeHost{}
	infos, err := applyFile(t, refDir+"/ref-signed.fw", img, "upgrade", Options{PublicKeys: []ed25519.PublicKey{key}, Host: host, RebootParamPath: "reboot-param"})
	if err != nil {
		t.Fatal(err)
	}
	if got := maskedFileSum(t, img); got != sums["upgraded-b.img"] {
		t.Errorf("upgraded-b.img masked sha256 = %s, want %s", got, sums["upgraded-b.img"])
	}
	if strings.Join(infos, "|") != "Upgrading partition B" {
		t.Errorf("info() printed %q", infos)
	}
	want := reffwup.Verdict(t, fwtest.Recording(t, "apply"), "reboot param of upgrade", func(fwup string) string {
		dir := t.TempDir()
		os.WriteFile(dir+"/x.img", fwtest.ReadZstd(t, refDir+"/complete.img.zst"), 0o644)
		if r := reffwup.Run(t, fwup, dir, "-a", "-q", "-d", "x.img", "-i", fwtest.Ref(t, "ref-signed.fw"), "-t", "upgrade", "--reboot-param-path", "param"); r.Exit != 0 {
			t.Fatalf("fwup: %+v", r)
		}
		b := fwtest.ReadFile(t, dir+"/param")
		return string(b)
	})
	if got := host.files["reboot-param"]; got == nil || got.String() != want {
		t.Errorf("reboot param = %v, want %q", got, want)
	}
}

// TestMiscGPT: GPT, a sparse resource, concatenated host paths and a
// root-level resource.
func TestMiscGPT(t *testing.T) {
	img := filepath.Join(t.TempDir(), "gpt.img")
	if _, err := applyFile(t, refDir+"/misc/misc.fw", img, "complete", Options{}); err != nil {
		t.Fatal(err)
	}
	if got, want := maskedFileSum(t, img), maskedSums(t)["misc/gpt.img"]; got != want {
		t.Errorf("gpt.img masked sha256 = %s, want %s", got, want)
	}
}
