package builder_test

import (
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
)

func TestBuildEverySystem(t *testing.T) {
	for _, name := range []string{"rpi0", "rpi3", "rpi4", "rpi5", "qemu-aarch64"} {
		t.Run(name, func(t *testing.T) {
			spec := buildertest.Spec(t, buildertest.System(t, name), 6<<20)
			spec.Report = func(s builder.Stage) { t.Logf("%-50s %6.2fs %d", s.What, s.Took.Seconds(), s.Size) }
			res, err := builder.Build(spec)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", res)
		})
	}
}
