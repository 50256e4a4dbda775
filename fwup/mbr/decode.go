package mbr

import (
	"encoding/binary"
	"errors"
)

// Decode reads the four primary entries of an MBR (fwup's mbr_decode, used
// by require-partition-offset). Only Type, Boot, BlockOffset and
// BlockCount of partitions 0-3 are set; the boot code, signature and any
// EBRs are not read.
func Decode(block [BlockSize]byte) (*Table, error) {
	if block[510] != 0x55 || block[511] != 0xaa {
		return nil, errors.New("MBR signature missing")
	}
	t := &Table{}
	for i := 0; i < MaxPrimary; i++ {
		e := block[446+16*i:]
		t.Partitions[i] = Partition{
			Boot:        e[0]&0x80 != 0,
			Type:        int(e[4]),
			BlockOffset: binary.LittleEndian.Uint32(e[8:]),
			BlockCount:  binary.LittleEndian.Uint32(e[12:]),
		}
	}
	return t, nil
}
