package builder_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/fwup"
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
			sys := buildertest.System(t, name)
			v1 := buildertest.Spec(t, sys, 2<<20)
			if _, err := builder.Build(v1); err != nil {
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
			if _, err := builder.Build(v2); err != nil {
				t.Fatal(err)
			}
			delta, patched := patchFile(t, v1.Output, v2.Output)
			if len(patched) < 2 {
				t.Errorf("only %v patched", patched)
			}
			root := regionOffset(t, sys, "ROOTFS_A") // slot A runs
			full, viaDelta := copyCard(t, v1.Image), copyCard(t, v1.Image)
			for _, u := range []struct {
				c  *card
				fw string
			}{{full, v2.Output}, {viaDelta, delta}} {
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
	t.Helper()
	regions, err := sys.Layout(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regions {
		if r.Name == name {
			return r.Offset
		}
	}
	t.Fatalf("%s has no %s", sys.Name, name)
	return 0
}
