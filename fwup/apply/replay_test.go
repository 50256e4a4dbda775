package apply

import (
	"errors"
	"testing"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/fat"
)

func replayConfig(t *testing.T, text string) *conf.Section {
	t.Helper()
	cfg, err := conf.Parse("replay.conf", "", []byte(text), conf.Options{Env: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestFATReplay: the dry run uses apply's own FAT actions, so what frees
// space (fat_rm) and what fails for other reasons (fat_mv of a missing
// file) count as they do when the card is made.
func TestFATReplay(t *testing.T) {
	const head = `file-resource a { host-path = "a" }
file-resource b { host-path = "b" }
`
	sizes := map[string]int64{"a": 3 << 20, "b": 3 << 20}
	for _, tc := range []struct {
		name, task string
		noSpace    bool
		fails      string
	}{
		{"fits", `on-init { fat_mkfs(63, 16384) } on-resource a { fat_write(63, "a") }`, false, ""},
		{"too small", `on-init { fat_mkfs(63, 8192) } on-resource a { fat_write(63, "a") } on-resource b { fat_write(63, "b") }`,
			true, `fat_write(63, "b")`},
		{"freed by fat_rm", `on-init { fat_mkfs(63, 8192) } on-resource a { fat_write(63, "a") fat_rm(63, "a") }
			on-resource b { fat_write(63, "b") }`, false, ""},
		{"missing file", `on-init { fat_mkfs(63, 16384) } on-finish { fat_mv(63, "nope", "x") }`, false, `fat_mv(63, "nope", "x")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := replayConfig(t, head+"task complete { "+tc.task+" }")
			err := FATReplay{Config: cfg, Task: "complete", Sizes: sizes}.Run()
			var fe *FATError
			switch {
			case tc.fails == "" && err != nil:
				t.Fatalf("failed: %v", err)
			case tc.fails == "":
				return
			case !errors.As(err, &fe):
				t.Fatalf("got %v, want a FATError", err)
			case fe.Call != tc.fails || fe.Offset != 63 || errors.Is(err, fat.ErrNoSpace) != tc.noSpace:
				t.Errorf("got %s at %d (no space: %v): %v; want %s (no space: %v)", fe.Call, fe.Offset, errors.Is(err, fat.ErrNoSpace), err, tc.fails, tc.noSpace)
			}
		})
	}
	// A bigger fat_mkfs count, as the builder tries, makes it fit.
	cfg := replayConfig(t, head+`task complete { on-init { fat_mkfs(63, 8192) } on-resource a { fat_write(63, "a") } on-resource b { fat_write(63, "b") } }`)
	grow := func(off, count int64) int64 { return 16384 }
	if err := (FATReplay{Config: cfg, Task: "complete", Sizes: sizes, MkfsCount: grow}).Run(); err != nil {
		t.Errorf("with fat_mkfs(63, 16384): %v", err)
	}
}
