package gpt

import (
	"errors"
	"fmt"
)

// verify checks that partitions do not overlap and that nothing follows
// (by number) a partition with `expand` (fwup's gpt_verify_partitions).
// Empty partitions are skipped unless they expand.
func (t *Table) verify() error {
	expanding := false
	for i, p := range t.Partitions {
		if p == nil {
			continue
		}
		ileft := p.BlockOffset
		iright := ileft + p.BlockCount
		if ileft == iright && !p.Expand {
			continue
		}
		if expanding {
			return errors.New(`a partition can't be specified after the one with "expand = true"`)
		}
		if p.Expand {
			expanding = true
		}
		for j, q := range t.Partitions {
			if q == nil || j == i {
				continue
			}
			jleft := q.BlockOffset
			jright := jleft + q.BlockCount
			if (ileft >= jleft && ileft < jright) || (iright > jleft && iright <= jright) {
				return fmt.Errorf("partitions %d (blocks %d to %d) and %d (blocks %d to %d) overlap",
					i, ileft, iright, j, jleft, jright)
			}
		}
	}
	return nil
}
