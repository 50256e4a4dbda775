package builder_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/internal/fwtest"
)

func TestBuildEverySystem(t *testing.T) {
	for _, name := range []string{"rpi0", "rpi3", "rpi3-64", "rpi4", "rpi5", "qemu-aarch64"} {
		t.Run(name, func(t *testing.T) {
			spec := buildertest.Spec(t, buildertest.System(t, name), 6<<20)
			spec.Report = func(s builder.Stage) { t.Logf("%-50s %6.2fs %d", s.What, s.Took.Seconds(), s.Size) }
			res, err := builder.Build(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", res)
		})
	}
}

// TestReproducible: the same inputs and SOURCE_DATE_EPOCH give the same
// .fw and image, byte for byte, wherever the inputs and outputs live.
func TestReproducible(t *testing.T) {
	var fws, imgs [][]byte
	for range 2 {
		spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 2<<20)
		if _, err := builder.Build(context.Background(), spec); err != nil {
			t.Fatal(err)
		}
		fw := fwtest.ReadFile(t, spec.Output)
		img := fwtest.ReadFile(t, spec.Image)
		fws, imgs = append(fws, fw), append(imgs, img)
	}
	if !bytes.Equal(fws[0], fws[1]) {
		t.Error("two builds made different .fw files")
	}
	if !bytes.Equal(imgs[0], imgs[1]) {
		t.Error("two builds made different images")
	}
}
