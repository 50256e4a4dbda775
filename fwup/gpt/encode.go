package gpt

import (
	"encoding/binary"
	"hash/crc32"
)

// Encode returns the blocks fwup's gpt_write stores, in its order: LBA 0-33
// (protective MBR, primary header, entries), then the backup entries and
// header in the last 33 blocks of the device. numBlocks is the device
// size in blocks; 0 means unknown, and the size is then taken as the end
// of the furthest partition plus 34 blocks (the file fwup writes may be
// longer). Like fwup, only the low 32 bits of numBlocks are used and the
// block arithmetic wraps at 32 bits. Partitions with `expand` grow to end
// just before the backup table when that leaves them larger.
//
// The error is always nil; it is there for symmetry with mbr.
func (t *Table) Encode(numBlocks uint64) ([]Block, error) {
	n := uint32(numBlocks)
	if n == 0 {
		n = t.minBlocks()
	}

	var entries [NumEntries * EntrySize]byte
	for i, p := range t.Partitions {
		if p != nil {
			p.writeEntry(entries[i*EntrySize:], n)
		}
	}
	entriesCRC := crc32.ChecksumIEEE(entries[:])

	primary := make([]Block, 2+EntryBlocks)
	backup := make([]Block, SizeBlocks)
	backupLBA := uint64(n - SizeBlocks)

	writeProtectiveMBR(&primary[0].Data, n)
	t.writeHeader(&primary[1].Data, header{
		current: 1, backup: uint64(n - 1), entries: 2, lastUsable: uint64(n - SizeBlocks - 1), entriesCRC: entriesCRC,
	})
	t.writeHeader(&backup[SizeBlocks-1].Data, header{
		current: uint64(n - 1), backup: 1, entries: backupLBA, lastUsable: uint64(n - SizeBlocks - 1), entriesCRC: entriesCRC,
	})
	for i := range EntryBlocks {
		copy(primary[2+i].Data[:], entries[i*BlockSize:])
		copy(backup[i].Data[:], entries[i*BlockSize:])
	}
	for i := range primary {
		primary[i].LBA = uint64(i)
	}
	for i := range backup {
		backup[i].LBA = backupLBA + uint64(i)
	}
	return append(primary, backup...), nil
}

// minBlocks is the device size fwup assumes when it does not know it: the
// end of the furthest partition plus room for the backup table.
func (t *Table) minBlocks() uint32 {
	var n uint32
	for _, p := range t.Partitions {
		if p != nil {
			n = max(n, p.BlockOffset+p.BlockCount)
		}
	}
	return n + SizeBlocks + 1
}

// writeEntry stores p as a 128-byte entry for a device of n blocks.
func (p *Partition) writeEntry(out []byte, n uint32) {
	count := p.BlockCount
	if p.Expand && n > p.BlockOffset+p.BlockCount+SizeBlocks {
		count = n - SizeBlocks - 1 - p.BlockOffset
	}
	copy(out[0:16], p.Type[:])
	copy(out[16:32], p.GUID[:])
	binary.LittleEndian.PutUint64(out[32:], uint64(p.BlockOffset))
	binary.LittleEndian.PutUint64(out[40:], uint64(p.BlockOffset+count-1))
	binary.LittleEndian.PutUint64(out[48:], p.Flags)
	copy(out[56:128], p.Name[:])
}

// writeProtectiveMBR stores an MBR with one partition of type 0xEE
// covering the disk from LBA 1, as fwup writes it (start CHS 0/0/2, end
// CHS all ones, no disk signature).
func writeProtectiveMBR(out *[BlockSize]byte, n uint32) {
	e := out[446:]
	e[2] = 0x02
	e[4] = 0xee
	e[5], e[6], e[7] = 0xff, 0xff, 0xff
	binary.LittleEndian.PutUint32(e[8:], 1)
	binary.LittleEndian.PutUint32(e[12:], n-1)
	out[510], out[511] = 0x55, 0xaa
}

// header holds the fields that differ between the primary and the backup
// header.
type header struct {
	current, backup, entries, lastUsable uint64
	entriesCRC                           uint32
}

// writeHeader stores a GPT header (revision 1.0, 92 bytes, 128 entries of
// 128 bytes) with its CRC.
func (t *Table) writeHeader(out *[BlockSize]byte, h header) {
	copy(out[0:8], "EFI PART")
	binary.LittleEndian.PutUint32(out[8:], 0x00010000)
	binary.LittleEndian.PutUint32(out[12:], headerSize)
	binary.LittleEndian.PutUint64(out[24:], h.current)
	binary.LittleEndian.PutUint64(out[32:], h.backup)
	binary.LittleEndian.PutUint64(out[40:], 1+SizeBlocks)
	binary.LittleEndian.PutUint64(out[48:], h.lastUsable)
	copy(out[56:72], t.DiskGUID[:])
	binary.LittleEndian.PutUint64(out[72:], h.entries)
	binary.LittleEndian.PutUint32(out[80:], NumEntries)
	binary.LittleEndian.PutUint32(out[84:], EntrySize)
	binary.LittleEndian.PutUint32(out[88:], h.entriesCRC)
	binary.LittleEndian.PutUint32(out[16:], crc32.ChecksumIEEE(out[:headerSize]))
}
