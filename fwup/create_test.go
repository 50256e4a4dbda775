package fwup

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// refDir holds the real-fwup reference fixtures (see its README).
const refDir = "../../shared/fixtures/fwup-ref"

func refCreateOptions(t *testing.T, conf string) ([]byte, CreateOptions) {
	t.Helper()
	data, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	return data, CreateOptions{
		Env:  map[string]string{},
		Name: conf,
		Dir:  filepath.Dir(conf),
		Time: time.Unix(1700000000, 0),
	}
}

func TestMetaConfMatchesFwup(t *testing.T) {
	for _, tc := range []struct {
		conf, meta, uuid, nickname string
	}{
		{refDir + "/fwup.conf", refDir + "/meta.conf", "3af3d0c3-bef6-50e7-55df-7490051887dd", "credit-unfold"},
		{miscDir(t) + "/misc.conf", miscDir(t) + "/meta.conf", "", ""},
	} {
		data, opts := refCreateOptions(t, tc.conf)
		p, err := Prepare(data, opts)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(tc.meta)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(p.Meta, want) {
			t.Errorf("%s: meta.conf differs:\n%s", tc.conf, lineDiff(string(want), string(p.Meta)))
		}
		if tc.uuid == "" {
			continue
		}
		if u := meta.UUID(p.Meta); u != tc.uuid {
			t.Errorf("uuid %s, want %s", u, tc.uuid)
		}
		if n := meta.Nickname(meta.UUID(p.Meta)); n != tc.nickname {
			t.Errorf("nickname %s, want %s", n, tc.nickname)
		}
	}
}

// lineDiff shows the first differing line of two texts.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want: %s\n got:  %s", i+1, wl, gl)
		}
	}
	return "(same lines)"
}

// sparseCopy writes src to dst with holes where runs says (data, hole,
// data, ...), since git stores fixtures without their holes.
func sparseCopy(t *testing.T, src, dst string, runs []int64) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var off int64
	for i, n := range runs {
		if i%2 == 0 && n > 0 {
			if _, err := f.WriteAt(data[off:off+n], off); err != nil {
				t.Fatal(err)
			}
		}
		off += n
	}
	if err := f.Truncate(off); err != nil {
		t.Fatal(err)
	}
}

// miscDir recreates fixtures/fwup-ref/misc with sparse.bin's holes (git
// stores it without them) and the meta.conf inside misc.fw.
func miscDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := refDir + "/misc"
	for _, f := range []string{"misc.conf", "empty.bin"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sparseCopy(t, src+"/sparse.bin", dir+"/sparse.bin", []int64{8192, 401408, 4096, 634880})
	zr, err := zip.OpenReader(src + "/misc.fw")
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open("meta.conf")
	if err != nil {
		t.Fatal(err)
	}
	metaConf, _ := io.ReadAll(rc)
	if err := os.WriteFile(dir+"/meta.conf", metaConf, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDevNullResource: fwup accepts any openable host path (its test 089).
func TestDevNullResource(t *testing.T) {
	p, err := Prepare([]byte(`file-resource devnull { host-path = "/dev/null" }`), CreateOptions{Env: map[string]string{}, Name: "t.conf", Dir: "."})
	if err != nil {
		t.Fatal(err)
	}
	want := "file-resource \"devnull\" {\nblake2b-256=0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8\n}\n"
	if string(p.Meta) != want {
		t.Errorf("meta.conf:\n%s", p.Meta)
	}
}

// TestManySparseRuns: past fwup's 254 exact runs the rest of a sparse
// file is one data run, holes read as zeros (fwup's tests 091, 092).
func TestManySparseRuns(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "sparse"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		f.WriteAt([]byte("data"), int64(i)*64<<10)
	}
	f.Truncate(300 * 64 << 10)
	f.Close()
	conf := `file-resource s { host-path = "` + dir + `/sparse" skip-holes = true }`
	p, err := Prepare([]byte(conf), CreateOptions{Env: map[string]string{}, Name: "t.conf", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(p.Meta), "length={") {
		t.Skip("this filesystem keeps no holes")
	}
	m := meta.MapOf(fwtest.Parse(t, "meta.conf", dir, p.Meta).Find("file-resource", "s"))
	if len(m) != meta.ExactSparseRuns+1 || m.TotalSize() != 300*64<<10 {
		t.Fatalf("map has %d runs for %d bytes, want %d runs for %d", len(m), m.TotalSize(), meta.ExactSparseRuns+1, 300*64<<10)
	}
	var fw bytes.Buffer
	if err := p.Write(&fw, CreateOptions{Env: map[string]string{}, Name: "t.conf", Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(bytes.NewReader(fw.Bytes()), "t.fw", nil, map[string]string{}); err != nil {
		t.Errorf("the archive does not verify: %v", err)
	}
}

// TestCreateDefersMetaUUID: ${FWUP_META_UUID} and ${FWUP_META_NICKNAME}
// are not known at create time, so both spellings reach meta.conf as
// references for apply to expand (fwup's test 155).
func TestCreateDefersMetaUUID(t *testing.T) {
	config := `task complete { on-finish { info("a ${FWUP_META_UUID}") info("b \${FWUP_META_NICKNAME}") } }`
	p, err := Prepare([]byte(config), CreateOptions{Env: map[string]string{}, Name: "t.conf"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`a ${FWUP_META_UUID}`, `b ${FWUP_META_NICKNAME}`} {
		if !strings.Contains(string(p.Meta), want) {
			t.Errorf("meta.conf lacks %q:\n%s", want, p.Meta)
		}
	}
}
