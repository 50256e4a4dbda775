package apply_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/apply"
)

// BenchmarkApplyInMemory applies a firmware with a 48 MiB raw rootfs and
// an 8 MiB kernel in a FAT partition to memory: the engine's own speed,
// without the disk.
func BenchmarkApplyInMemory(b *testing.B) {
	dir := b.TempDir()
	r := rand.New(rand.NewPCG(7, 8))
	for name, n := range map[string]int{"rootfs.img": 48 << 20, "kernel": 8 << 20} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.IntN(64))
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	config := bytes.ReplaceAll([]byte(faultConfig), []byte("8192"), []byte("40000"))
	var fw bytes.Buffer
	if _, err := fwup.Create(&fw, config, fwup.CreateOptions{Env: map[string]string{"DIR": dir}, Name: "bench.conf",
		Dir: dir, Time: time.Unix(1700000000, 0)}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(56 << 20)
	for b.Loop() {
		if _, err := applyBytes(fw.Bytes(), &apply.Memory{}, apply.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
