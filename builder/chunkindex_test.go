package builder_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestSignedBuildChunkIndex: a signed build carries the chunk index
// (NoChunkIndex leaves it out), and its .fw applied with the key, every
// chunk checked, makes the image the build wrote beside it.
func TestSignedBuildChunkIndex(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	listed := []byte(`file-resource "` + chunkindex.Resource + `"`)
	for _, leaveOut := range []bool{false, true} {
		spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
		spec.SignKey, spec.NoChunkIndex = priv, leaveOut
		if _, err := builder.Build(context.Background(), spec); err != nil {
			t.Fatal(err)
		}
		if got := bytes.Contains(fwtest.MetaConf(t, spec.Output), listed); got == leaveOut {
			t.Errorf("NoChunkIndex %v: meta.conf lists the index: %v", leaveOut, got)
		}
		if leaveOut {
			continue
		}
		img := filepath.Join(t.TempDir(), "applied.img")
		a := &builder.Apply{Fw: spec.Output, Task: "complete", PublicKeys: []ed25519.PublicKey{pub}}
		if err := a.ToNewImage(context.Background(), img); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fwtest.ReadFile(t, img), fwtest.ReadFile(t, spec.Image)) {
			t.Error("the .fw applied with its chunk index checked is not the build's image")
		}
	}
}
