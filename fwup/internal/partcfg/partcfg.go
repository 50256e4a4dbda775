package partcfg

import (
	"fmt"
	"math"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/internal/cstr"
)

// BlockOffset reads partition ix's block-offset as fwup does: a string
// (so it can hold an unsigned 32-bit value on any machine), required,
// below 2^32-1, and a number all the way through.
func BlockOffset(ps *conf.Section, ix int) (uint32, error) {
	offset := cstr.String(ps.String("block-offset"))
	if offset == "" {
		return 0, fmt.Errorf("partition %d's block_offset is required", ix)
	}
	v, rest, _ := cstr.Strtoull(offset)
	if v >= math.MaxUint32 {
		return 0, fmt.Errorf("partition %d's block_offset must be positive and less than 2^32 - 1: '%s'", ix, offset)
	}
	if rest != "" {
		return 0, fmt.Errorf("error parsing partition %d's block offset", ix)
	}
	return uint32(v), nil
}
