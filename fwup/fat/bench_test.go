package fat

import (
	"fmt"
	"testing"
)

// BenchmarkWrite30MB writes 30 MiB of files, fat_write style, into a
// fresh FAT32 volume.
func BenchmarkWrite30MB(b *testing.B) {
	const (
		files    = 30
		fileSize = 1 << 20
		chunk    = 64 << 10
	)
	data := randomData(1, fileSize)
	b.SetBytes(files * fileSize)
	for b.Loop() {
		d := &memDevice{}
		v := NewVolumes(d)
		mkfs(b, v, d, 0, 80000)
		if err := v.Mkdir(0, "files"); err != nil {
			b.Fatal(err)
		}
		for i := range files {
			name := fmt.Sprintf("files/file number %d.bin", i)
			if err := v.Truncate(0, name); err != nil {
				b.Fatal(err)
			}
			for at := 0; at < fileSize; at += chunk {
				if err := v.PWrite(0, name, int64(at), data[at:at+chunk]); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := v.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
