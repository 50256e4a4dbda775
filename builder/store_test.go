package builder_test

import (
	"context"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestRootfsStored: the .fw stores a gzip, xz or zstd SquashFS without
// trying deflate, and measures an lz4 one, which deflate shrinks (lz4
// has no entropy coder).
func TestRootfsStored(t *testing.T) {
	for comp, want := range map[string]uint16{"gzip": archive.MethodStore, "zstd": archive.MethodStore, "lz4": archive.MethodDeflate} {
		t.Run(comp, func(t *testing.T) {
			spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
			spec.Image = ""
			spec.SquashFS.Compression = comp
			if _, err := builder.Build(context.Background(), spec); err != nil {
				t.Fatal(err)
			}
			if m, _ := fwtest.StoredOrDeflated(t, fwtest.ReadFile(t, spec.Output), "data/rootfs.img"); m != want {
				t.Errorf("data/rootfs.img: method %d, want %d", m, want)
			}
		})
	}
}
