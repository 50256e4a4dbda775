package fwup

import (
	"bufio"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestZZCreate(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	env := map[string]string{}
	f, _ := os.Open("/work/scratch/bench/build/work/fwup.env")
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimPrefix(sc.Text(), "export ")
		k, v, ok := strings.Cut(l, "=")
		if ok && !strings.HasPrefix(k, "#") {
			env[k] = strings.Trim(v, "'")
		}
	}
	path := env["FIRMWRIGHT_SYSTEM"] + "/fwup.conf"
	data, _ := os.ReadFile(path)
	for i := 0; i < 4; i++ {
		opts := CreateOptions{Env: env, Name: path, Dir: env["FIRMWRIGHT_SYSTEM"], Time: time.Unix(1700000000, 0)}
		t0 := time.Now()
		p, err := Prepare(data, opts)
		if err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		if err := p.Write(io.Discard, opts); err != nil {
			t.Fatal(err)
		}
		t.Logf("prepare %v write %v", t1.Sub(t0), time.Since(t1))
	}
}
