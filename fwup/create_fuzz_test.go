package fwup_test

import (
	"strings"
	"testing"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/internal/crafted"
)

// FuzzCreate: no fwup.conf makes create panic, overflow its stack or
// run out of memory; it is checked, its resources hashed and meta.conf
// rendered, or it fails with a message. Configs that could name a file
// outside the empty folder they resolve in (a slash, an escape that
// makes one, an include) are left out: the fuzzer must not read
// /dev/zero.
func FuzzCreate(f *testing.F) {
	for _, c := range crafted.Configs() {
		f.Add(c)
	}
	f.Add("file-resource a { contents = \"x\" }\ntask complete { on-resource a { raw_write(0) } }\n")
	f.Add("define-eval(X, \"(1+2)*3^2\")\nmeta-product = \"${X}\"\n")
	f.Fuzz(func(t *testing.T, config string) {
		if strings.ContainsAny(config, "/\\") || strings.Contains(config, "include") {
			t.Skip()
		}
		fwup.Prepare([]byte(config), fwup.CreateOptions{Dir: t.TempDir(), Env: map[string]string{}})
	})
}
