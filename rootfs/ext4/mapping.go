package ext4

import "fmt"

// run maps n logical blocks of a file from lblk on to the physical
// blocks from pblk on. Both extents and block maps become runs, sorted by
// lblk and not overlapping; the logical blocks between runs are holes.
type run struct {
	lblk, pblk, n uint64
	// zero marks an uninitialized extent: allocated, but read as zeros.
	zero bool
}

// maxLogicalBlocks is how many logical blocks a file's mapping can
// address: 2^32 with extents; with a block map, what 12 direct pointers
// and one single, double and triple indirect block reach.
func (f *fsys) maxLogicalBlocks(in *inode) uint64 {
	if in.flags&flagExtents != 0 {
		return 1 << 32
	}
	p := uint64(f.sb.blockSize / 4)
	return min(12+p+p*p+p*p*p, 1<<32)
}

// mapping returns the runs of a file or directory whose data is in
// blocks, checking its size against what the mapping can address.
func (f *fsys) mapping(in *inode) ([]run, error) {
	bs := uint64(f.sb.blockSize)
	if max := f.maxLogicalBlocks(in); in.size > max*bs {
		return nil, fmt.Errorf("size %d is larger than the %d blocks of %d bytes its mapping can address", in.size, max, bs)
	}
	if in.flags&flagExtents != 0 {
		if f.sb.incompat&incompatExtents == 0 {
			return nil, fmt.Errorf("uses extents, but the filesystem lacks the extent feature")
		}
		return f.extents(in.block[:])
	}
	return f.blockMap(in.block[:], (in.size+bs-1)/bs)
}

// mapper collects runs, checking each against the filesystem and the
// walk's block budget.
type mapper struct {
	f    *fsys
	runs []run
	// next is the first logical block a new run may start at.
	next uint64
}

// add appends a run of n blocks, or grows the last one when r continues it.
func (m *mapper) add(r run) error {
	s := m.f.sb
	if r.n == 0 {
		return fmt.Errorf("a run of no blocks at logical block %d", r.lblk)
	}
	if r.lblk < m.next {
		return fmt.Errorf("logical block %d mapped again (runs out of order or overlapping)", r.lblk)
	}
	if r.pblk == 0 || r.pblk >= s.blocks || r.n > s.blocks-r.pblk {
		return fmt.Errorf("blocks %d to %d are outside the filesystem's blocks 1 to %d", r.pblk, r.pblk+r.n-1, s.blocks-1)
	}
	if err := m.f.spend(r.n); err != nil {
		return err
	}
	m.next = r.lblk + r.n
	if k := len(m.runs) - 1; k >= 0 {
		last := &m.runs[k]
		if last.zero == r.zero && last.lblk+last.n == r.lblk && last.pblk+last.n == r.pblk {
			last.n += r.n
			return nil
		}
	}
	m.runs = append(m.runs, r)
	return nil
}
