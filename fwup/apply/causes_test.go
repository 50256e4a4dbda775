package apply_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/meta"
)

// enospc is a target whose writes fail as a full disk's do.
type enospc struct{ apply.Memory }

func (*enospc) WriteAt(p []byte, off int64) (int, error) {
	return 0, &os.PathError{Op: "write", Path: "card.img", Err: syscall.ENOSPC}
}

// failingHost is a machine where every file and command fails.
type failingHost struct{}

var errHost = errors.New("permission denied by the test")

func (failingHost) PathOnDevice(string, string) bool         { return false }
func (failingHost) PathAtOffset(string, int64) bool          { return false }
func (failingHost) Run(string) (int, error)                  { return 0, errHost }
func (failingHost) Pipe(string, io.Reader) error             { return errHost }
func (failingHost) WriteFile(string) (io.WriteCloser, error) { return nil, errHost }
func (failingHost) UpdateUBIVolume(string, int64) (io.WriteCloser, error) {
	return nil, errHost
}

// TestCausesKept: the errors keep fwup's text and give errors.Is the
// cause behind it.
func TestCausesKept(t *testing.T) {
	fw := faultArchive(t, nil)
	_, err := applyBytes(fw, &enospc{}, apply.Options{})
	if err == nil || !strings.Contains(err.Error(), "Check media size") || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("full disk: %v (ENOSPC kept: %v)", err, errors.Is(err, syscall.ENOSPC))
	}

	for _, action := range []string{`path_write("/x")`, `pipe_write("cat")`} {
		cfg := strings.Replace(faultConfig, "raw_write(65536)", action, 1)
		fw := archiveOf(t, cfg, nil)
		_, err := applyBytes(fw, &apply.Memory{}, apply.Options{Unsafe: true, Host: failingHost{}})
		if err == nil || !errors.Is(err, errHost) {
			t.Errorf("%s on a failing host: %v", action, err)
		}
	}

	// A meta.conf that does not parse keeps the parser's position.
	var raw bytes.Buffer
	zw := archive.NewWriter(&raw)
	if err := zw.WriteStored(archive.Entry{Name: "meta.conf"}, []byte("meta-product = {\n")); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	zr := archive.NewReader(&raw)
	_, err = meta.Read(zr, "x.fw", nil, map[string]string{})
	var cerr *conf.Error
	if err == nil || err.Error() != "Unexpected error parsing meta.conf" || !errors.As(err, &cerr) {
		t.Errorf("bad meta.conf: %v (conf.Error kept: %v)", err, errors.As(err, &cerr))
	}
}
