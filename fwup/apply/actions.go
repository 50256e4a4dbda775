package apply

import (
	"errors"
	"fmt"

	"github.com/firmwright/firmwright/internal/cstr"
)

// action is one function a handler may call. argv[0] is its name, as in
// fwup. Arguments were checked when the archive was created; at apply
// time numbers are read as fwup reads them (strtoull, no checks).
type action struct {
	// units is the progress the action will report.
	units func(e *engine, argv []string) (int64, error)
	run   func(e *engine, argv []string) error
}

// oneBlock is the progress fwup arbitrarily gives actions that do not
// move data.
func oneBlock(*engine, []string) (int64, error) { return BlockSize, nil }

func noUnits(*engine, []string) (int64, error) { return 0, nil }

var actions map[string]action

func init() {
	actions = map[string]action{
		"raw_write":  {func(e *engine, _ []string) (int64, error) { return e.resourceUnits(false), nil }, (*engine).rawWrite},
		"raw_memset": {memsetUnits, (*engine).rawMemset},
		"trim":       {trimUnits, (*engine).trim},
		"info":       {noUnits, func(e *engine, argv []string) error { e.warn("%s", argv[1]); return nil }},
		"error":      {noUnits, func(e *engine, argv []string) error { return errors.New(argv[1]) }},

		"fat_mkfs":     {oneBlock, (*engine).fatMkfs},
		"fat_write":    {func(e *engine, _ []string) (int64, error) { return e.resourceUnits(true), nil }, (*engine).fatWrite},
		"fat_attrib":   {oneBlock, (*engine).fatAttrib},
		"fat_mv":       {oneBlock, (*engine).fatMove},
		"fat_mv!":      {oneBlock, (*engine).fatMove},
		"fat_rm":       {oneBlock, (*engine).fatRemove},
		"fat_rm!":      {oneBlock, (*engine).fatRemove},
		"fat_cp":       {oneBlock, (*engine).fatCopy},
		"fat_mkdir":    {oneBlock, (*engine).fatMkdir},
		"fat_setlabel": {oneBlock, (*engine).fatSetLabel},
		"fat_touch":    {oneBlock, (*engine).fatTouch},

		"mbr_write":      {oneBlock, (*engine).mbrWrite},
		"gpt_write":      {func(*engine, []string) (int64, error) { return gptUnits, nil }, (*engine).gptWrite},
		"uboot_clearenv": {ubootUnits, (*engine).ubootClearenv},
		"uboot_setenv":   {ubootUnits, (*engine).ubootSetenv},
		"uboot_unsetenv": {ubootUnits, (*engine).ubootUnsetenv},
		"uboot_recover":  {ubootUnits, (*engine).ubootRecover},

		"path_write":   {func(e *engine, _ []string) (int64, error) { return e.resourceUnits(false), nil }, (*engine).pathWrite},
		"pipe_write":   {func(e *engine, _ []string) (int64, error) { return e.resourceUnits(true), nil }, (*engine).pipeWrite},
		"execute":      {oneBlock, (*engine).execute},
		"reboot_param": {oneBlock, (*engine).rebootParam},
	}
}

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
			return fmt.Errorf("raw_memset couldn't write %d bytes to offset %d", BlockSize, dest+off)
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
