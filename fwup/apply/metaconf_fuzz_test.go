package apply_test

import (
	"bytes"
	"testing"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/internal/crafted"
)

// FuzzMetaConf mutates meta.conf's text inside an otherwise valid
// archive (FuzzApply mutates the archive's bytes, which rarely reaches
// meta.conf's shapes): applied to a device of known size, verified and
// listed, it must fail with a message, never panic or run out of memory.
// Host actions are refused without --unsafe, as they are here.
func FuzzMetaConf(f *testing.F) {
	for _, m := range crafted.MetaConfs() {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, meta string) {
		fw := crafted.Archive(meta, crafted.Resource{Name: "data", Data: crafted.Data()})
		opts := apply.Options{Cache: apply.CacheOptions{End: 16 << 20}}
		applyBytes(fw, &apply.Memory{Limit: 16 << 20}, opts)
		fwup.Verify(bytes.NewReader(fw), "fuzz.fw", nil, nil)
	})
}
