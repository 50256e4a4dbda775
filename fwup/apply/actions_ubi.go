package apply

import (
	"fmt"

	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/cstr"
)

// ubiVolumeWrite is ubi_volume_write(VOLUME): the resource as one atomic
// update of a UBI volume. UBI takes the update's size first and then
// only sequential writes, so holes go as zeros and the size is the
// resource's whole length.
func (e *engine) ubiVolumeWrite(argv []string) error {
	if err := e.checkUnsafe(argv[0]); err != nil {
		return err
	}
	volume := argv[1]
	res := e.cfg.Find("file-resource", e.event.Title)
	if res == nil {
		return fmt.Errorf("%s can't find file-resource '%s'", argv[0], e.event.Title)
	}
	total := meta.MapOf(res).TotalSize()
	w, err := e.opts.Host.UpdateUBIVolume(volume, total)
	if err != nil {
		return err
	}
	var cursor int64
	put := func(p []byte) error {
		if _, err := w.Write(p); err != nil {
			return cstr.Errorf(err, "write to '%s' failed: %s", volume, cstr.Strerror(err))
		}
		cursor += int64(len(p))
		return nil
	}
	zerosTo := func(end int64) error {
		var zeros [BlockSize]byte
		for cursor < end {
			if err := put(zeros[:min(end-cursor, BlockSize)]); err != nil {
				return err
			}
		}
		return nil
	}
	err = e.consume(argv[0], true, func(p []byte, off int64) error {
		if off < cursor {
			return fmt.Errorf("unexpected out-of-order write to '%s' (offset=%d, cursor=%d)", volume, off, cursor)
		}
		if err := zerosTo(off); err != nil {
			return err
		}
		return put(p)
	}, func(_, size int64) error { return zerosTo(size) })
	if err == nil && cursor != total {
		err = fmt.Errorf("wrote %d bytes to '%s' but declared %d", cursor, volume, total)
	}
	// Closing commits a whole update and invalidates a partial one.
	if cerr := w.Close(); err == nil && cerr != nil {
		err = cstr.Errorf(cerr, "close('%s') failed: %s", volume, cstr.Strerror(cerr))
	}
	return err
}
