package mbr

import (
	"errors"
	"fmt"
)

// expanded returns a copy of t with `expand` applied for a device of
// numBlocks blocks (fwup's expand_partitions). The device is taken to be
// at least as large as the end of the furthest partition, so with
// numBlocks 0 (unknown size) the extended partition still grows to cover
// its logical partitions. Every expand flag is cleared in the result.
func (t *Table) expanded(numBlocks uint32) *Table {
	out := *t
	for _, p := range t.Partitions {
		if end := p.BlockOffset + p.BlockCount; end > numBlocks {
			numBlocks = end
		}
	}
	for i := range out.Partitions {
		p := &out.Partitions[i]
		if p.Expand && numBlocks > p.BlockOffset+p.BlockCount {
			p.BlockCount = numBlocks - p.BlockOffset
		}
		p.Expand = false
	}
	return &out
}

// verify checks that partitions and EBRs do not overlap, that the
// extended partition holds every logical partition and EBR, and that no
// partition follows an expanding one (fwup's mbr_verify). fwup runs it on
// an expanded table, so the expand rule never fires in practice.
func (t *Table) verify() error {
	expanding := false
	for i := range t.Partitions {
		p := &t.Partitions[i]
		if p.Type > 0xff || p.Type < 0 {
			return errors.New("invalid partition type")
		}
		ileft := p.BlockOffset
		iright := ileft + p.BlockCount
		if p.Type == 0 {
			continue
		}
		if ileft == iright && !p.Expand {
			continue
		}
		if expanding {
			return errors.New(`a partition can't be specified after the one with "expand = true"`)
		}
		if p.Expand && i != 3 && !isExtendedType(p.Type) {
			expanding = true
		}

		for j := i + 1; j < MaxPartitions; j++ {
			q := &t.Partitions[j]
			if q.Type == 0 {
				continue
			}
			jleft := q.BlockOffset
			jright := jleft + q.BlockCount
			if jleft == jright {
				continue
			}

			// The extended partition must contain the logical ones and
			// their EBRs; everything else must stay apart.
			mustContain := i == 3 && isExtendedType(p.Type)
			overlaps := !(ileft >= jright || iright <= jleft)
			iEBRInJ := p.RecordOffset > 0 && p.RecordOffset >= jleft && p.RecordOffset < jright
			jEBRInI := q.RecordOffset > 0 && q.RecordOffset >= ileft && q.RecordOffset < iright

			if overlaps != mustContain {
				if !mustContain {
					return fmt.Errorf("partitions %d (blocks %d to %d) and %d (blocks %d to %d) overlap",
						i, ileft, iright, j, jleft, jright)
				}
				return fmt.Errorf("partition 3, the extended partition, is expected to contain partition %d", j)
			}
			if jEBRInI != mustContain {
				if !mustContain {
					return fmt.Errorf("partition %d (blocks %d to %d) overlaps the EBR at %d for partition %d",
						i, ileft, iright, q.RecordOffset, j)
				}
				return fmt.Errorf("partition 3, the extended partition, is expected to contain the EBR for partition %d", j)
			}
			if iEBRInJ {
				return fmt.Errorf("partition %d (blocks %d to %d) overlaps the EBR at %d for partition %d",
					j, jleft, jright, p.RecordOffset, i)
			}
		}
	}
	return nil
}
