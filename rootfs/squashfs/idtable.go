package squashfs

import (
	"encoding/binary"
	"fmt"
)

// idTable is the list of distinct uids and gids; inodes store indexes
// into it, in 16 bits.
type idTable struct {
	index map[uint32]uint16
	ids   []uint32
}

// lookup returns id's index, adding it on first use.
func (t *idTable) lookup(id uint32) (uint16, error) {
	if i, ok := t.index[id]; ok {
		return i, nil
	}
	if len(t.ids) == maxIDs {
		return 0, fmt.Errorf("more than %d distinct uids and gids", maxIDs)
	}
	if t.index == nil {
		t.index = make(map[uint32]uint16)
	}
	i := uint16(len(t.ids))
	t.index[id] = i
	t.ids = append(t.ids, id)
	return i, nil
}

func (t *idTable) marshal() []byte {
	b := make([]byte, 0, 4*len(t.ids))
	for _, id := range t.ids {
		b = binary.LittleEndian.AppendUint32(b, id)
	}
	return b
}
