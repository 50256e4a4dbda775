package apply

import (
	"github.com/firmwright/firmwright/internal/cstr"
)

// Progress units of the actions (Action.units): what each will report.

// oneBlock is the progress fwup arbitrarily gives actions that do not
// move data.
func oneBlock(*engine, []string) (int64, error) { return BlockSize, nil }

func noUnits(*engine, []string) (int64, error) { return 0, nil }

func constUnits(n int64) func(*engine, []string) (int64, error) {
	return func(*engine, []string) (int64, error) { return n, nil }
}

// dataUnits is the resource's stored bytes (raw_write, path_write).
func dataUnits(e *engine, _ []string) (int64, error) { return e.resourceUnits(false), nil }

// lengthUnits is the resource's length with its holes (fat_write,
// pipe_write).
func lengthUnits(e *engine, _ []string) (int64, error) { return e.resourceUnits(true), nil }

// ull reads a number argument as fwup does: strtoull, whatever follows
// ignored.
func ull(s string) uint64 {
	v, _, _ := cstr.Strtoull(s)
	return v
}

// long reads a number argument with strtol semantics on a 64-bit system.
func long(s string) int64 {
	v, _, _ := cstr.Strtoull(s)
	return int64(v)
}

func (e *engine) rawWrite(argv []string) error {
	dest := int64(ull(argv[1])) * BlockSize
	w := &padWriter{c: e.cache}
	if len(argv) > 2 {
		dc, err := newDiskCipher(dest, argv[2:])
		if err != nil {
			return err
		}
		w.dc = dc
	}
	err := e.consume(argv[0], false,
		func(p []byte, off int64) error { return w.write(p, dest+off) },
		func(hole, size int64) error {
			// Seeking does not make a regular file longer: write zeros
			// at the end of the hole.
			n := min(hole, BlockSize)
			return w.write(make([]byte, n), dest+size-n)
		})
	if err != nil {
		return err
	}
	return w.flush()
}

func memsetUnits(_ *engine, argv []string) (int64, error) {
	return int64(int32(long(argv[2]))) * BlockSize, nil
}

func (e *engine) rawMemset(argv []string) error {
	dest := int64(ull(argv[1])) * BlockSize
	count := int64(ull(argv[2])) * BlockSize
	var block [BlockSize]byte
	value := byte(long(argv[3]))
	for i := range block {
		block[i] = value
	}
	for off := int64(0); off < count; off += BlockSize {
		if err := e.cache.Stream(block[:], dest+off); err != nil {
			return cstr.Errorf(err, "raw_memset couldn't write %d bytes to offset %d", BlockSize, dest+off)
		}
		e.prog.add(BlockSize)
	}
	return nil
}

func trimUnits(_ *engine, argv []string) (int64, error) {
	return int64(ull(argv[2])) / 256, nil
}

func (e *engine) trim(argv []string) error {
	blocks := int64(ull(argv[2]))
	if err := e.cache.Trim(int64(ull(argv[1]))*BlockSize, blocks*BlockSize, true); err != nil {
		return err
	}
	e.prog.add(blocks / 256)
	return nil
}
