package fwup

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/reffwup"
)

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

// TestMetaConfMatchesFwup: our meta.conf of the reference configs is the
// one inside real fwup's archives of them, so their UUID and nickname are
// fwup's too (as fwup -m printed them).
func TestMetaConfMatchesFwup(t *testing.T) {
	misc := fwtest.MiscDir(t)
	for _, tc := range []struct{ conf, fw string }{
		{fwtest.Ref(t, "fwup.conf"), fwtest.Ref(t, "ref-unsigned.fw")},
		{misc + "/misc.conf", fwtest.Ref(t, "misc", "misc.fw")},
	} {
		data, opts := refCreateOptions(t, tc.conf)
		if strings.HasSuffix(tc.conf, "misc.conf") {
			opts.Time = time.Unix(0, 0) // misc.fw was made with SOURCE_DATE_EPOCH=0
		}
		p, err := Prepare(data, opts)
		if err != nil {
			t.Fatal(err)
		}
		if want := fwtest.MetaConf(t, tc.fw); !bytes.Equal(p.Meta, want) {
			t.Errorf("%s: meta.conf differs:\n%s", tc.conf, lineDiff(string(want), string(p.Meta)))
		}
		name := filepath.Base(tc.fw)
		ids := reffwup.Verdict(t, fwtest.Recording(t, "create"), "uuid and nickname of "+name, func(fwup string) string {
			uuid := reffwup.Run(t, fwup, "", "-m", "-i", tc.fw, "--metadata-key", "meta-uuid")
			nick := reffwup.Run(t, fwup, "", "-m", "-i", tc.fw, "--metadata-key", "meta-nickname")
			return uuid.Stdout + nick.Stdout
		})
		u := meta.UUID(p.Meta)
		if got := u + "\n" + meta.Nickname(u) + "\n"; got != ids {
			t.Errorf("%s: uuid and nickname %q, fwup says %q", name, got, ids)
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
