package ubootenv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
)

// Encode returns one copy of the environment: CRC-32, the flag byte
// (Flags+1) for redundant environments, the variables sorted by name as
// name=value NUL, an extra NUL, and 0xFF to the end. Like fwup it fails
// with "Not enough room in U-boot environment" when a variable would reach
// the last two bytes. It also leaves the variables in sorted order, as
// fwup does, which only matters for duplicate names.
func (e *Env) Encode() ([]byte, error) {
	buf := bytes.Repeat([]byte{0xff}, e.Size())
	off := e.dataOffset()
	p, end := off, len(buf)-2
	sortVars(e.vars)
	for _, v := range e.vars {
		if p+len(v.Name)+1+len(v.Value) >= end {
			return nil, errors.New("Not enough room in U-boot environment")
		}
		p += copy(buf[p:], v.Name)
		buf[p] = '='
		p++
		p += copy(buf[p:], v.Value)
		buf[p] = 0
		p++
	}
	buf[p] = 0
	binary.LittleEndian.PutUint32(buf, crc32.ChecksumIEEE(buf[off:]))
	if e.Redundant {
		buf[4] = e.Flags + 1
	}
	return buf, nil
}

// Decode replaces the variables with those of one copy (fwup's
// uboot_env_decode). It fails on a CRC mismatch, naming BlockOffset even
// when data is the redundant copy as fwup does, and on a variable without
// "=" or without its terminating NUL ("Invalid U-boot environment"); in
// that case the variables read so far are kept. Reading stops at an empty
// name. data must be Size() bytes.
func (e *Env) Decode(data []byte) error {
	if len(data) != e.Size() {
		return fmt.Errorf("ubootenv: environment copy is %d bytes, want %d", len(data), e.Size())
	}
	e.vars = nil
	off := e.dataOffset()
	want := binary.LittleEndian.Uint32(data)
	if got := crc32.ChecksumIEEE(data[off:]); got != want {
		return fmt.Errorf("U-boot environment (block %d) CRC32 mismatch (expected 0x%08x; got 0x%08x)", e.BlockOffset, want, got)
	}
	invalid := errors.New("Invalid U-boot environment")
	for p := off; p < len(data) && data[p] != 0; {
		// A name is at least one byte, so a leading '=' belongs to it.
		eq := p + 1
		for ; eq < len(data) && data[eq] != '='; eq++ {
			if data[eq] == 0 {
				return invalid
			}
		}
		if eq == len(data) {
			return invalid
		}
		nul := bytes.IndexByte(data[eq+1:], 0)
		if nul < 0 {
			return invalid
		}
		value := data[eq+1 : eq+1+nul]
		e.vars = slices.Insert(e.vars, 0, Var{string(data[p:eq]), string(value)})
		p = eq + 1 + nul + 1
	}
	return nil
}
