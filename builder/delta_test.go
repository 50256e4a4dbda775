package builder_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/vcdiff"
	"github.com/firmwright/firmwright/fwup/vcdiff/vcdifftest"
	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/systems"
)

// TestDeltaUpgrade: for every system, a card made with v1 and upgraded
// with the delta from v1 to v2 (its rootfs against the other ROOTFS slot,
// its boot files against the other boot partition's) is byte for byte the
// card upgraded with v2 itself.
func TestDeltaUpgrade(t *testing.T) {
	for _, name := range []string{"rpi4", "rpi3", "qemu-aarch64"} {
		t.Run(name, func(t *testing.T) {
			d := buildDelta(t, name)
			if len(d.patched) < 2 {
				t.Errorf("only %v patched", d.patched)
			}
			root := regionOffset(t, d.sys, "ROOTFS_A") // slot A runs
			full, viaDelta := copyCard(t, d.v1.Image), copyCard(t, d.v1.Image)
			for _, u := range []struct {
				c  *card
				fw string
			}{{full, d.v2.Output}, {viaDelta, d.delta}} {
				if _, _, err := u.c.apply(bytes.NewReader(fwtest.ReadFile(t, u.fw)), "upgrade", root); err != nil {
					t.Fatalf("upgrade with %s: %v", filepath.Base(u.fw), err)
				}
			}
			if !bytes.Equal(fwtest.ReadFile(t, full.f.Name()), fwtest.ReadFile(t, viaDelta.f.Name())) {
				t.Error("the delta update made another card than the full one")
			}
		})
	}
}

// TestBadDeltaKeepsRunningSlot: on the rpi4 system, a delta whose
// rootfs.img patch is made against other data (caught by the window's
// Adler-32, or without one by the BLAKE2b-256 of the result), cut short,
// with a window over 64 MiB or copying past the other ROOTFS slot fails
// naming rootfs.img, and leaves the running slot A as it was: AUTOBOOT
// (whose autoboot.txt names the active slot), BOOT-A, ROOTFS-A and slot
// A's variables in the env.
func TestBadDeltaKeepsRunningSlot(t *testing.T) {
	d := buildDelta(t, "rpi4")
	newRoot := fwtest.Entry(t, d.v2.Output, "data/rootfs.img")
	good := fwtest.Entry(t, d.delta, "data/rootfs.img")
	slotA := []string{"AUTOBOOT", "BOOT_A", "ROOTFS_A"}
	otherSource := append(bytes.Repeat([]byte{0x5a}, 4096), newRoot...)
	for _, tc := range []struct {
		name  string
		patch []byte
		want  error // nil: the BLAKE2b check catches it
	}{
		{"against other data", encodePatch(t, otherSource, newRoot, vcdiff.EncodeOptions{}), vcdiff.ErrChecksum},
		{"against other data, no checksum", encodePatch(t, otherSource, newRoot, vcdiff.EncodeOptions{NoChecksum: true}), nil},
		{"cut short", good[:len(good)/2], io.ErrUnexpectedEOF},
		{"a window over 64 MiB", vcdifftest.HugeWindow(), vcdiff.ErrWindowTooLarge},
		{"a copy past the slot", vcdifftest.CopyAt(regionSize(t, d.sys, "ROOTFS_B")), vcdiff.ErrSourceSegment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := copyCard(t, d.v1.Image)
			before, beforeEnv := regionBytes(t, d.sys, c, slotA), slotAVars(c)
			fw := fwtest.ReplaceEntry(t, d.delta, "data/rootfs.img", tc.patch)
			_, _, err := c.apply(bytes.NewReader(fwtest.ReadFile(t, fw)), "upgrade", regionOffset(t, d.sys, "ROOTFS_A"))
			var de *apply.DeltaError
			switch {
			case err == nil:
				t.Fatal("the upgrade succeeded")
			case tc.want != nil && (!errors.As(err, &de) || de.Resource != "rootfs.img" || !errors.Is(err, tc.want)):
				t.Errorf("got %v, want a DeltaError of rootfs.img: %v", err, tc.want)
			case tc.want == nil && !strings.Contains(err.Error(), "blake2b mismatch on 'rootfs.img'"):
				t.Errorf("got %v, want the BLAKE2b mismatch of rootfs.img", err)
			}
			if !bytes.Equal(regionBytes(t, d.sys, c, slotA), before) {
				t.Error("the failed update changed slot A")
			}
			if got := c.file(autobootOff, "autoboot.txt"); got != autobootA {
				t.Errorf("autoboot.txt = %q, want slot A's", got)
			}
			if got := slotAVars(c); !maps.Equal(got, beforeEnv) || got["a.nerves_fw_validated"] != "1" {
				t.Errorf("slot A's variables are now %v, were %v", got, beforeEnv)
			}
		})
	}
}

// slotAVars is the card's env variables of slot A.
func slotAVars(c *card) map[string]string {
	vars := map[string]string{}
	for _, v := range c.env().Vars() {
		if strings.HasPrefix(v.Name, "a.") {
			vars[v.Name] = v.Value
		}
	}
	return vars
}

// builtDelta is a system's v1 (with its card) and v2 builds and the
// delta between them.
type builtDelta struct {
	sys     *systems.System
	v1, v2  builder.Spec
	delta   string
	patched []string
}

// buildDelta builds v1 and a v2 whose kernel differs in a few bytes, and
// the delta update from one to the other.
func buildDelta(t *testing.T, name string) builtDelta {
	t.Helper()
	sys := buildertest.System(t, name)
	v1 := buildertest.Spec(t, sys, 2<<20)
	if _, err := builder.Build(context.Background(), v1); err != nil {
		t.Fatal(err)
	}
	v2 := v1
	v2.Output, v2.Image = filepath.Join(t.TempDir(), "v2.fw"), ""
	v2.Meta.Version = "0.2.0"
	kernel := filepath.Join(v2.Images, sys.Kernel[0])
	k := fwtest.ReadFile(t, kernel)
	copy(k[len(k)/2:], "a second version of the kernel")
	if err := os.WriteFile(kernel, k, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := builder.Build(context.Background(), v2); err != nil {
		t.Fatal(err)
	}
	delta, patched := patchFile(t, v1.Output, v2.Output)
	return builtDelta{sys: sys, v1: v1, v2: v2, delta: delta, patched: patched}
}

func encodePatch(t *testing.T, src, target []byte, opts vcdiff.EncodeOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := vcdiff.Encode(&b, bytes.NewReader(src), int64(len(src)), bytes.NewReader(target), opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// patchFile makes the delta update from old to nu and returns it with the
// resources it patched.
func patchFile(t *testing.T, old, nu string) (string, []string) {
	t.Helper()
	of, nf := openFile(t, old), openFile(t, nu)
	os1, _ := of.Stat()
	ns, _ := nf.Stat()
	out := filepath.Join(t.TempDir(), "delta.fw")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var patched []string
	err = fwup.Patch(f, of, nf, os1.Size(), ns.Size(), fwup.PatchOptions{TempDir: t.TempDir(), Report: func(r fwup.PatchedResource) {
		if r.Patched {
			patched = append(patched, r.Name)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	return out, patched
}

func openFile(t *testing.T, p string) *os.File {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// copyCard copies an image file to a new card.
func copyCard(t *testing.T, img string) *card {
	t.Helper()
	p := filepath.Join(t.TempDir(), "card.img")
	if err := os.WriteFile(p, fwtest.ReadFile(t, img), 0o644); err != nil {
		t.Fatal(err)
	}
	return openCard(t, p)
}

// regionOffset is where a system's layout puts a region.
func regionOffset(t *testing.T, sys *systems.System, name string) int64 {
	return findRegion(t, sys, name).Offset
}

// regionSize is the size in bytes of a region of a system's layout.
func regionSize(t *testing.T, sys *systems.System, name string) int64 {
	return findRegion(t, sys, name).Count * 512
}

// regionBytes is what the card holds in the named regions.
func regionBytes(t *testing.T, sys *systems.System, c *card, names []string) []byte {
	t.Helper()
	var all []byte
	for _, name := range names {
		r := findRegion(t, sys, name)
		b := make([]byte, r.Count*512)
		if _, err := c.f.ReadAt(b, r.Offset*512); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func findRegion(t *testing.T, sys *systems.System, name string) systems.Region {
	t.Helper()
	regions, err := sys.Layout(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regions {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("%s has no %s", sys.Name, name)
	return systems.Region{}
}
