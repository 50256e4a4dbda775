package fwup

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
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
		if u := UUID(p.Meta); u != tc.uuid {
			t.Errorf("uuid %s, want %s", u, tc.uuid)
		}
		if n := Nickname(UUID(p.Meta)); n != tc.nickname {
			t.Errorf("nickname %s, want %s", n, tc.nickname)
		}
	}
}

// lineDiff shows the first differing line of two texts.
func lineDiff(want, got string) string {
	w, g := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl []byte
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if !bytes.Equal(wl, gl) {
			return "line " + itoa(i+1) + ":\n want: " + string(wl) + "\n got:  " + string(gl)
		}
	}
	return "(same lines)"
}

func itoa(i int) string { return string([]byte(fmtInt(i))) }
func fmtInt(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return fmtInt(i/10) + string(rune('0'+i%10))
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
