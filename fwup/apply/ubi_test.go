package apply_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/archive"
	"golang.org/x/crypto/blake2b"
)

// ubiHost records UBI volume updates as fwup's LD_PRELOAD shim does for
// its test 226 (tests/fixture/ubi_shim.c), and refuses what a UBI volume
// refuses: a write before UBI_IOCVOLUP, past its size or after close.
type ubiHost struct{ updates []*ubiUpdate }

type ubiUpdate struct {
	path   string
	size   int64
	data   bytes.Buffer
	closed bool
}

func (h *ubiHost) UpdateUBIVolume(path string, size int64) (io.WriteCloser, error) {
	u := &ubiUpdate{path: path, size: size}
	h.updates = append(h.updates, u)
	return u, nil
}

func (u *ubiUpdate) Write(p []byte) (int, error) {
	if u.closed || int64(u.data.Len()+len(p)) > u.size {
		return 0, errors.New("write outside the update")
	}
	return u.data.Write(p)
}

func (u *ubiUpdate) Close() error { u.closed = true; return nil }

func (*ubiHost) PathOnDevice(string, string) bool         { return false }
func (*ubiHost) PathAtOffset(string, int64) bool          { return false }
func (*ubiHost) Run(string) (int, error)                  { return 0, errHost }
func (*ubiHost) Pipe(string, io.Reader) error             { return errHost }
func (*ubiHost) WriteFile(string) (io.WriteCloser, error) { return nil, errHost }

// TestUBIVolumeWrite follows fwup's test 226 with a Go fake for its
// shim: the update's size is the resource's whole length, its bytes come
// in order with holes as zeros, and it is closed; without --unsafe it is
// refused, as by fwup's test 225.
func TestUBIVolumeWrite(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 150000)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	os.WriteFile(filepath.Join(dir, "whole"), data, 0o644)
	whole := archiveOfDir(t, `file-resource TEST { host-path = "${DIR}/whole" }
task complete { on-resource TEST { ubi_volume_write("/dev/ubi0_3") } }
`, dir)
	for _, tc := range []struct {
		file string
		fw   []byte
		want []byte
	}{
		{"whole", whole, data},
		// As test 226's: a 512-byte hole, 1 KiB of data, a 512-byte hole.
		{"sparse", sparseUBIArchive(t, data[:1024]), append(append(make([]byte, 512), data[:1024]...), make([]byte, 512)...)},
	} {
		fw := tc.fw
		host := &ubiHost{}
		if _, err := applyBytes(fw, &apply.Memory{}, apply.Options{Unsafe: true, Host: host}); err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if len(host.updates) != 1 {
			t.Fatalf("%s: %d updates", tc.file, len(host.updates))
		}
		u := host.updates[0]
		if u.path != "/dev/ubi0_3" || u.size != int64(len(tc.want)) || !u.closed || !bytes.Equal(u.data.Bytes(), tc.want) {
			t.Errorf("%s: update of %s, size %d (want %d), closed %v, data equal %v", tc.file, u.path, u.size, len(tc.want), u.closed, bytes.Equal(u.data.Bytes(), tc.want))
		}
		_, err := applyBytes(fw, &apply.Memory{}, apply.Options{Host: host})
		if err == nil || !strings.Contains(err.Error(), "ubi_volume_write requires --unsafe") {
			t.Errorf("%s without --unsafe: %v", tc.file, err)
		}
	}
}

// sparseUBIArchive is an archive whose resource is data between two
// 512-byte holes, its meta.conf written by hand as fwup's test 226 does.
func sparseUBIArchive(t *testing.T, data []byte) []byte {
	sum := blake2b.Sum256(data)
	conf := fmt.Sprintf(`file-resource "TEST" {
length={0,512,%d,512}
blake2b-256=%x
}
task "complete" {
on-resource "TEST" {
funlist={"2","ubi_volume_write","/dev/ubi0_3"}
}
}
`, len(data), sum)
	var fw bytes.Buffer
	zw := archive.NewWriter(&fw)
	if err := zw.WriteStored(archive.Entry{Name: "meta.conf"}, []byte(conf)); err != nil {
		t.Fatal(err)
	}
	if err := zw.WriteStored(archive.Entry{Name: "data/TEST"}, data); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return fw.Bytes()
}
