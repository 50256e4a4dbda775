package ubootenv

import "fmt"

// Read loads the current environment from the bytes of its copies (fwup's
// uboot_env_read) and sets Flags, WritePrimary and WriteSecondary for the
// next write.
//
// Without a redundant copy, secondary is ignored; the primary copy is
// decoded and the next write replaces it.
//
// With one, the copies' flag bytes are generation counters: the secondary
// copy is newer when (flag2 - flag1) mod 256 is 1 to 127, otherwise the
// primary one is tried first. The newer copy is decoded, falling back to
// the other when it is corrupt. The next write goes to the copy that was
// not read, with that copy's flag + 1; if neither decodes, the error is
// the last copy's and both copies are marked for writing.
func (e *Env) Read(primary, secondary []byte) error {
	if !e.Redundant {
		e.WritePrimary, e.WriteSecondary, e.Flags = true, false, 0
		return e.Decode(primary)
	}
	e.WritePrimary, e.WriteSecondary, e.Flags = false, false, 0
	if len(primary) != e.Size() || len(secondary) != e.Size() {
		return fmt.Errorf("ubootenv: environment copies are %d and %d bytes, want %d", len(primary), len(secondary), e.Size())
	}
	flag1, flag2 := primary[4], secondary[4]
	if delta := flag2 - flag1; delta == 0 || delta >= 128 {
		return e.readPair(primary, secondary, flag1, flag2, &e.WritePrimary, &e.WriteSecondary)
	}
	return e.readPair(secondary, primary, flag2, flag1, &e.WriteSecondary, &e.WritePrimary)
}

// readPair decodes the copy tried first, or else the other one, and marks
// for writing the copy that was not read (both if neither decodes).
func (e *Env) readPair(first, second []byte, flagFirst, flagSecond uint8, writeFirst, writeSecond *bool) error {
	if err := e.Decode(first); err == nil {
		e.Flags = flagFirst
		*writeSecond = true
		return nil
	}
	e.Flags = flagSecond
	*writeFirst = true
	err := e.Decode(second)
	if err != nil {
		*writeSecond = true
	}
	return err
}

// Write is one copy of the environment to store at BlockOffset.
type Write struct {
	BlockOffset uint64
	Data        []byte
}

// Writes encodes the environment and returns the copies to store, in
// fwup's order: primary first (fwup's uboot_env_write).
func (e *Env) Writes() ([]Write, error) {
	data, err := e.Encode()
	if err != nil {
		return nil, err
	}
	var ws []Write
	if e.WritePrimary {
		ws = append(ws, Write{e.BlockOffset, data})
	}
	if e.WriteSecondary {
		ws = append(ws, Write{e.RedundBlockOffset, data})
	}
	return ws, nil
}
