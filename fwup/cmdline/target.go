package cmdline

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/mmc"
	"github.com/firmwright/firmwright/internal/cstr"
)

// WillBeRegularFile is fwup's test: an existing regular file, or a path
// that does not exist outside /dev.
func WillBeRegularFile(path string) bool {
	st, err := os.Stat(path)
	if err == nil {
		return st.Mode().IsRegular()
	}
	return errors.Is(err, os.ErrNotExist) && !strings.HasPrefix(path, "/dev/")
}

// OpenImageFile opens an image file for applying, creating it, as fwup
// does: a size it already has is a soft end the apply may grow past, and
// a file without write permission is refused even to root, who could
// open it anyway.
func OpenImageFile(path string) (*os.File, apply.CacheOptions, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, apply.CacheOptions{}, err
	}
	st, err := f.Stat()
	if err == nil && st.Mode().Perm()&0o222 == 0 {
		err = fmt.Errorf("%s is read-only; make it writable to apply to it", path)
	}
	if err != nil {
		f.Close()
		return nil, apply.CacheOptions{}, err
	}
	return f, apply.CacheOptions{End: st.Size(), SoftEnd: st.Size() > 0}, nil
}

// openTarget opens the destination as fwup does and says what the cache
// should know of it.
func (r *run) openTarget(a applyArgs) (apply.Target, apply.CacheOptions, func() error, error) {
	switch {
	case WillBeRegularFile(a.device):
		return r.openFileTarget(a)
	case a.device == "/dev/null":
		f, err := os.OpenFile(a.device, os.O_WRONLY, 0)
		if err != nil {
			return nil, apply.CacheOptions{}, nil, r.openFailed(a.device)
		}
		return f, apply.CacheOptions{}, f.Close, nil
	}
	return r.openDeviceTarget(a)
}

func (r *run) openFileTarget(a applyArgs) (apply.Target, apply.CacheOptions, func() error, error) {
	f, copts, err := OpenImageFile(a.device)
	if a.enableTrim {
		r.warn("ignoring --enable-trim since operating on a regular file")
	}
	if a.maxSizeBlocks > 0 {
		copts.End, copts.SoftEnd = int64(a.maxSizeBlocks)*apply.BlockSize, false
	}
	if err != nil {
		return nil, copts, nil, r.openFailed(a.device)
	}
	copts.MinimizeWrites = a.minimizeWrites
	copts.VerifyWrites = a.verifyWrites == 1
	return f, copts, f.Close, nil
}

func (r *run) openDeviceTarget(a applyArgs) (apply.Target, apply.CacheOptions, func() error, error) {
	want := a.chosen
	if want == nil {
		// -d: what the device is before unmounting is what is written.
		if id, err := r.cards().Identify(a.device); err == nil {
			want = &id
		}
	}
	if a.unmount {
		if err := r.unmountAll(a.device); err != nil {
			return nil, apply.CacheOptions{}, nil, err
		}
	}
	d, err := r.openDevice(a.device, want)
	if err != nil {
		return nil, apply.CacheOptions{}, nil, err
	}
	copts := apply.CacheOptions{End: d.Size(), MinimizeWrites: a.minimizeWrites, HardwareTrim: a.enableTrim,
		VerifyWrites: a.verifyWrites != 0}
	if copts.End == 0 {
		r.warn("%s", SizeUnknownMessage(a.device))
	}
	if a.maxSizeBlocks > 0 && (copts.End == 0 || int64(a.maxSizeBlocks)*apply.BlockSize < copts.End) {
		copts.End = int64(a.maxSizeBlocks) * apply.BlockSize
	}
	return d, copts, d.Close, nil
}

// openDevice opens the device to write, refusing it when it is no longer
// the medium want (fwup does not check; its words remain for failures to
// open). Without want (not a block device, or one that cannot be
// examined) it is opened as fwup opens it.
func (r *run) openDevice(device string, want *mmc.Identity) (*mmc.Device, error) {
	var d *mmc.Device
	var err error
	if want == nil {
		d, err = mmc.Open(device)
	} else {
		d, err = r.cards().OpenIdentified(device, *want)
	}
	var changed *mmc.ChangedError
	switch {
	case errors.As(err, &changed):
		return nil, r.fail("%s", err)
	case err != nil:
		return nil, r.openFailed(device)
	}
	return d, nil
}

// unmountAll unmounts the device's partitions, in fwup's words.
func (r *run) unmountAll(device string) error {
	err := r.cards().UnmountAll(device)
	var pe *fs.PathError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mmc.ErrUnmountFailed):
		return silentExit(1) // each failure was warned about
	case errors.As(err, &pe):
		return r.fail("%s: %s", pe.Path, cstr.Strerror(err))
	}
	return r.fail("%s", err)
}

// openFailed is fwup's message for an output it cannot open.
func (r *run) openFailed(path string) error {
	io.WriteString(r.sys.Stderr, "\n")
	_, err := os.Stat(path)
	return r.fail("%s", OpenFailedMessage(path, err == nil))
}
