package ubootenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// printenv writes an image holding the given writes and returns what
// fw_printenv prints for it.
func printenv(t *testing.T, tool string, e *Env, writes []Write, image []byte) ([]byte, string) {
	t.Helper()
	for _, w := range writes {
		off := int(w.BlockOffset) * BlockSize
		if need := off + len(w.Data); need > len(image) {
			image = append(image, make([]byte, need-len(image))...)
		}
		copy(image[off:], w.Data)
	}
	dir := t.TempDir()
	img := filepath.Join(dir, "env.img")
	if err := os.WriteFile(img, image, 0o644); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("%s %#x %#x\n", img, e.BlockOffset*BlockSize, e.Size())
	if e.Redundant {
		config += fmt.Sprintf("%s %#x %#x\n", img, e.RedundBlockOffset*BlockSize, e.Size())
	}
	cfg := filepath.Join(dir, "fw_env.config")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-c", cfg).CombinedOutput()
	if err != nil {
		t.Fatalf("fw_printenv: %v\n%s", err, out)
	}
	return image, string(out)
}

func wantPrint(e *Env) string {
	var b strings.Builder
	for _, v := range e.Vars() {
		fmt.Fprintf(&b, "%s=%s\n", v.Name, v.Value)
	}
	return b.String()
}

// TestFwPrintenv writes environments with this package and reads them back
// with U-Boot's userspace tool.
func TestFwPrintenv(t *testing.T) {
	tool := oracle.Tool(t, "fw_printenv")

	t.Run("single", func(t *testing.T) {
		e := newEnv(t, "block-offset = 2 block-count = 16")
		e.Set("bootcmd", "run a; run b")
		e.Set("a.nerves_fw_active", "a")
		e.Set("empty", "")
		ws, err := e.Writes()
		if err != nil {
			t.Fatal(err)
		}
		if _, out := printenv(t, tool, e, ws, nil); out != wantPrint(e) {
			t.Errorf("fw_printenv printed\n%s\nwant\n%s", out, wantPrint(e))
		}
	})

	t.Run("redundant", func(t *testing.T) {
		const body = "block-offset = 0 block-count = 4 block-offset-redund = 4"
		e := newEnv(t, body)
		e.Set("x", "cleared")
		ws, err := e.Writes() // both copies, generation 1
		if err != nil {
			t.Fatal(err)
		}
		image, out := printenv(t, tool, e, ws, nil)
		if out != wantPrint(e) {
			t.Errorf("after clear: %q", out)
		}
		// Two updates: each goes to the older copy with the next
		// generation, so fw_printenv must pick it.
		for _, value := range []string{"first update", "second update"} {
			e = newEnv(t, body)
			size := e.Size()
			if err := e.Read(image[:size], image[size:2*size]); err != nil {
				t.Fatal(err)
			}
			e.Set("x", value)
			if ws, err = e.Writes(); err != nil {
				t.Fatal(err)
			}
			if len(ws) != 1 {
				t.Fatalf("%d writes", len(ws))
			}
			image, out = printenv(t, tool, e, ws, image)
			if out != wantPrint(e) {
				t.Errorf("after %q: fw_printenv printed %q", value, out)
			}
		}
	})
}
