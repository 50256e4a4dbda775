package mbr

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/firmwright/firmwright/internal/cstr"
)

// fwup's fixed disk geometry for CHS addresses.
const (
	sectorsPerHead   = 63
	headsPerCylinder = 255
	// maxCHSLBA is the last block address fwup converts to CHS; entries
	// beyond it keep zero CHS bytes.
	maxCHSLBA = sectorsPerHead * headsPerCylinder * 0x3ff
)

// ErrNotWritten is matched (with errors.Is) by the Encode errors that
// fwup 1.16's mbr_write ignores: when its mbr_create fails, fwup writes
// nothing and carries on as if it had succeeded. A caller reproducing fwup
// skips the write on these errors; Error() still gives fwup's message.
var ErrNotWritten = errors.New("fwup writes no MBR")

type notWrittenError struct{ msg string }

func (e *notWrittenError) Error() string        { return e.msg }
func (e *notWrittenError) Is(target error) bool { return target == ErrNotWritten }

// Encode returns the blocks fwup's mbr_write stores, in the order it
// writes them: the MBR at LBA 0, then one EBR per logical partition at its
// RecordOffset. Partitions with `expand` grow to the end of a device of
// numBlocks blocks; 0 means the size is unknown. Like fwup, only the low
// 32 bits of numBlocks are used.
//
// Blocks may share an LBA (fwup writes the EBR of a logical partition
// without an EBR slot over LBA 0); apply them in order.
func (t *Table) Encode(numBlocks uint64) ([]Block, error) {
	var bootstrap []byte
	if t.BootstrapCode != "" {
		b, err := hexToBytes(t.BootstrapCode, BootstrapSize)
		if err != nil {
			return nil, err
		}
		bootstrap = b
	}
	if bootstrap != nil && t.OSIP != nil {
		return nil, &notWrittenError{"Can't specify both bootstrap and OSIP in MBR"}
	}
	exp := t.expanded(uint32(numBlocks))
	if err := exp.verify(); err != nil {
		return nil, &notWrittenError{err.Error()}
	}

	blocks := make([]Block, 1, 1+exp.LogicalCount)
	mbr := &blocks[0].Data
	copy(mbr[:BootstrapSize], bootstrap)
	if t.OSIP != nil {
		t.OSIP.write(mbr[:BootstrapSize])
	}
	binary.LittleEndian.PutUint32(mbr[440:], t.Signature)
	for i := 0; i < MaxPrimary; i++ {
		writeEntry(mbr[446+16*i:], &exp.Partitions[i])
	}
	mbr[510], mbr[511] = 0x55, 0xaa

	for i := 0; i < exp.LogicalCount; i++ {
		p := &exp.Partitions[MaxPrimary+i]
		b := Block{LBA: uint64(p.RecordOffset)}
		// Entry 0: the logical partition, relative to its EBR.
		writeEntry(b.Data[446:], &Partition{
			Type:        p.Type,
			BlockOffset: p.BlockOffset - p.RecordOffset,
			BlockCount:  p.BlockCount,
		})
		// Entry 1: the next EBR, relative to the extended partition.
		if i < exp.LogicalCount-1 {
			writeEntry(b.Data[446+16:], &Partition{Type: 0x0f, BlockOffset: uint32(i + 1), BlockCount: 1})
		}
		b.Data[510], b.Data[511] = 0x55, 0xaa
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// writeEntry writes a 16-byte partition entry. An unused entry (type 0)
// has no flag, CHS or type, but still carries the offset and count: some
// systems keep data there.
func writeEntry(out []byte, p *Partition) {
	if p.Type > 0 {
		if p.Boot {
			out[0] = 0x80
		}
		lbaToCHS(p.BlockOffset, out[1:4])
		out[4] = byte(p.Type)
		lbaToCHS(p.BlockOffset+p.BlockCount-1, out[5:8])
	}
	binary.LittleEndian.PutUint32(out[8:], p.BlockOffset)
	binary.LittleEndian.PutUint32(out[12:], p.BlockCount)
}

// lbaToCHS stores lba as head, sector|cylinder high bits, cylinder low
// byte, for 255 heads and 63 sectors. Addresses past CHS range are left
// untouched (zero).
func lbaToCHS(lba uint32, out []byte) {
	if lba > maxCHSLBA {
		return
	}
	cylinder := lba / (sectorsPerHead * headsPerCylinder)
	head := (lba / sectorsPerHead) % headsPerCylinder
	sector := lba%sectorsPerHead + 1
	out[0] = byte(head)
	out[1] = byte((cylinder&0x300)>>2) | byte(sector)
	out[2] = byte(cylinder)
}

// hexToBytes decodes exactly n bytes of hex as fwup's hex_to_bytes does.
func hexToBytes(s string, n int) ([]byte, error) {
	if len(s) != 2*n {
		return nil, fmt.Errorf("hex string should have length %d, but got %d", 2*n, len(s))
	}
	out := make([]byte, n)
	for i := range out {
		hi, lo := cstr.DigitValue(s[2*i]), cstr.DigitValue(s[2*i+1])
		if hi > 15 || lo > 15 {
			return nil, errors.New("Invalid character in hex string")
		}
		out[i] = byte(hi<<4 | lo)
	}
	return out, nil
}
