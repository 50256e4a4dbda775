package apply_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// faultConfig exercises the common actions and reports on-error.
const faultConfig = `
file-resource rootfs.img { host-path = "${DIR}/rootfs.img" }
file-resource kernel { host-path = "${DIR}/kernel" }
mbr mbr { partition 0 { block-offset = 2048 block-count = 8192 type = 0xc boot = true } }
task complete {
	on-init { mbr_write(mbr) fat_mkfs(2048, 8192) }
	on-resource kernel { fat_write(2048, "zImage") }
	on-resource rootfs.img { raw_write(65536) }
	on-error { info("on-error ran") }
}
`

// faultArchive builds a small archive of faultConfig from random inputs.
func faultArchive(t testing.TB, key ed25519.PrivateKey) []byte {
	t.Helper()
	return archiveOf(t, faultConfig, key)
}

// archiveOf builds an archive of a config of faultConfig's resources.
func archiveOf(t testing.TB, config string, key ed25519.PrivateKey) []byte {
	t.Helper()
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	for name, n := range map[string]int{"rootfs.img": 600 << 10, "kernel": 70000} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.IntN(16)) // compressible, not trivially
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var fw bytes.Buffer
	_, err := fwup.Create(&fw, []byte(config), fwup.CreateOptions{Env: map[string]string{"DIR": dir}, Name: "fault.conf", Dir: dir,
		Time: time.Unix(1700000000, 0), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return fw.Bytes()
}

// archiveOfDir builds an archive of a config whose ${DIR} is dir.
func archiveOfDir(t testing.TB, config, dir string) []byte {
	t.Helper()
	var fw bytes.Buffer
	_, err := fwup.Create(&fw, []byte(config), fwup.CreateOptions{Env: map[string]string{"DIR": dir}, Name: "test.conf", Dir: dir,
		Time: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return fw.Bytes()
}

func applyBytes(fw []byte, t apply.Target, opts apply.Options) ([]string, error) {
	var infos []string
	opts.Info = func(m string) { infos = append(infos, m) }
	if opts.Task == "" {
		opts.Task = "complete"
	}
	return infos, apply.Run(bytes.NewReader(fw), t, opts)
}

// TestFaults: a cut archive, a flipped byte, a wrong key and a full
// destination all fail with a message; where the task had started,
// on-error ran; with a bad signature nothing was written.
func TestFaults(t *testing.T) {
	fw := faultArchive(t, nil)
	if _, err := applyBytes(fw, &apply.Memory{}, apply.Options{}); err != nil {
		t.Fatalf("intact archive: %v", err)
	}
	// Cuts past meta.conf happen once the task has started.
	firstResource := bytes.Index(fw, []byte("data/"))
	// fwup never reads the central directory: cut there, an archive
	// still applies.
	centralDir := bytes.Index(fw, []byte("PK\x01\x02"))
	for i := 1; i < 64; i++ {
		cut := fw[:len(fw)*i/64]
		infos, err := applyBytes(cut, &apply.Memory{}, apply.Options{})
		if len(cut) >= centralDir {
			if err != nil {
				t.Errorf("cut at %d/64, in the central directory: %v", i, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("cut at %d/64: no error", i)
			continue
		}
		if err.Error() == "" {
			t.Errorf("cut at %d/64: empty message", i)
		}
		if len(cut) > firstResource && (len(infos) == 0 || infos[len(infos)-1] != "on-error ran") {
			t.Errorf("cut at %d/64 (%v): on-error did not run: %q", i, err, infos)
		}
	}

	// A flipped byte inside the resource data.
	at := bytes.Index(fw, []byte("data/rootfs.img")) + 2000
	bad := bytes.Clone(fw)
	bad[at] ^= 0x55
	infos, err := applyBytes(bad, &apply.Memory{}, apply.Options{})
	if err == nil || len(infos) == 0 || infos[len(infos)-1] != "on-error ran" {
		t.Errorf("flipped byte: err %v, infos %q", err, infos)
	}

	// A wrong key: refused before any byte is written.
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	signed := faultArchive(t, priv)
	target := &apply.Memory{}
	if _, err := applyBytes(signed, target, apply.Options{PublicKeys: []ed25519.PublicKey{other}}); err == nil ||
		err.Error() != "Firmware archive's meta.conf fails digital signature verification." {
		t.Errorf("wrong key: %v", err)
	}
	if target.Size() != 0 {
		t.Errorf("wrong key: %d bytes written", target.Size())
	}
	if _, err := applyBytes(fw, target, apply.Options{PublicKeys: []ed25519.PublicKey{other}}); err == nil ||
		err.Error() != "Expecting signed firmware archive." || target.Size() != 0 {
		t.Errorf("unsigned with a key: %v, %d bytes written", err, target.Size())
	}

	// A full destination.
	infos, err = applyBytes(fw, &apply.Memory{Limit: 4 << 20}, apply.Options{})
	if err == nil || !strings.Contains(err.Error(), "Check media size") || infos[len(infos)-1] != "on-error ran" {
		t.Errorf("full destination: err %v, infos %q", err, infos)
	}
	// fwup's words, with the target's own error kept behind them.
	if !errors.Is(err, apply.ErrMemoryFull) {
		t.Errorf("full destination: %v does not wrap the target's error", err)
	}
	// A device of known size that is too small.
	infos, err = applyBytes(fw, &apply.Memory{}, apply.Options{Cache: apply.CacheOptions{End: 4 << 20}})
	if err == nil || !strings.Contains(err.Error(), "Check media size") || infos[len(infos)-1] != "on-error ran" {
		t.Errorf("small device: err %v, infos %q", err, infos)
	}
}

// FuzzApply: no archive, however broken, makes the engine panic.
func FuzzApply(f *testing.F) {
	f.Add(faultArchive(f, nil))
	if b, err := os.ReadFile(fwtest.Ref(f, "misc", "misc.fw")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, fw []byte) {
		applyBytes(fw, &apply.Memory{Limit: 64 << 20}, apply.Options{})
	})
}
