package apply

import "github.com/firmwright/firmwright/internal/cstr"

// The FAT actions hand their work to fwup/fat, which keeps FatFs's state
// (mounted volumes, the open file) for the whole run.

func (e *engine) fatMkfs(argv []string) error {
	off, count := int64(ull(argv[1])), int64(uint32(ull(argv[2])))
	// The range is trimmed first so that only what mkfs writes goes to the
	// target; the last block is written to check it exists and to make an
	// image file long enough for other tools.
	if err := e.cache.Trim(off*BlockSize, count*BlockSize, true); err != nil {
		return cstr.Errorf(err, "Error trimming blocks affected by fat_mkfs")
	}
	ones := make([]byte, BlockSize)
	for i := range ones {
		ones[i] = 0xff
	}
	if err := e.cache.Stream(ones, (off+count-1)*BlockSize); err != nil {
		return cstr.Errorf(err, "Error clearing final FAT sector")
	}
	if err := e.fat.Mkfs(off, count); err != nil {
		return err
	}
	e.prog.add(BlockSize)
	return nil
}

func (e *engine) fatWrite(argv []string) error {
	off, name := int64(ull(argv[1])), argv[2]
	if err := e.fat.Truncate(off, name); err != nil {
		return err
	}
	return e.consume(argv[0], true,
		func(p []byte, at int64) error { return e.fat.PWrite(off, name, int64(int32(at)), p) },
		func(_, size int64) error { return e.fat.PWrite(off, name, int64(int32(size)), nil) })
}

// fatStep runs a FAT operation that counts as one block of progress.
func (e *engine) fatStep(err error) error {
	if err != nil {
		return err
	}
	e.prog.add(BlockSize)
	return nil
}

func (e *engine) fatAttrib(argv []string) error {
	if err := e.fat.Attrib(int64(ull(argv[1])), argv[2], argv[3]); err != nil {
		// fwup returns 1 here, not -1, so the task goes on as if
		// nothing had happened.
		return nil
	}
	e.prog.add(BlockSize)
	return nil
}

func (e *engine) fatMove(argv []string) error {
	force := len(argv[0]) > 6 && argv[0][6] == '!'
	return e.fatStep(e.fat.Move(int64(ull(argv[1])), argv[0], argv[2], argv[3], force))
}

func (e *engine) fatRemove(argv []string) error {
	mustExist := len(argv[0]) > 6 && argv[0][6] == '!'
	return e.fatStep(e.fat.Remove(int64(ull(argv[1])), argv[0], argv[2], mustExist))
}

func (e *engine) fatCopy(argv []string) error {
	from, fromName := int64(ull(argv[1])), argv[2]
	to, toName := from, argv[3]
	if len(argv) == 5 {
		to, toName = int64(ull(argv[3])), argv[4]
	}
	return e.fatStep(e.fat.Copy(from, fromName, to, toName))
}

func (e *engine) fatMkdir(argv []string) error {
	return e.fatStep(e.fat.Mkdir(int64(ull(argv[1])), argv[2]))
}

func (e *engine) fatSetLabel(argv []string) error {
	return e.fatStep(e.fat.SetLabel(int64(ull(argv[1])), argv[2]))
}

func (e *engine) fatTouch(argv []string) error {
	return e.fatStep(e.fat.Touch(int64(ull(argv[1])), argv[2]))
}
