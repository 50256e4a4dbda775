package gpt

import (
	"errors"
	"fmt"
	"math"

	"github.com/firmwright/firmwright/internal/cstr"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/internal/partcfg"
)

// FromConfig reads a `gpt NAME { … }` section and checks it as fwup's
// gpt_verify_cfg does when an archive is created: the disk GUID, partition
// numbers, type and partition GUIDs, offsets, counts, flags, overlaps and
// the expand rule. Errors carry fwup's message text exactly.
//
// `boot = true` sets bit 2 of the partition's flags. (fwup also rewrites
// the section so that meta.conf carries the bit in `flags`; FromConfig
// leaves the section alone.)
func FromConfig(sec *conf.Section) (*Table, error) {
	t := &Table{}
	var ok bool
	if t.DiskGUID, ok = parseGUID(cstr.String(sec.String("guid"))); !ok {
		return nil, errors.New("GPT must have a valid disk guid")
	}
	if err := t.partitionsFromConfig(sec); err != nil {
		return nil, err
	}
	if t.Partitions == [MaxPartitions]*Partition{} {
		return nil, errors.New("empty partition table?")
	}
	if err := t.verify(); err != nil {
		return nil, err
	}
	return t, nil
}

// partitionsFromConfig reads the `partition N` subsections in the order
// they were written (fwup's gpt_cfg_to_partitions).
func (t *Table) partitionsFromConfig(sec *conf.Section) error {
	found := 0
	for _, ps := range sec.Sections("partition") {
		ix, _, _ := cstr.Strtoull(ps.Title)
		if ix >= MaxPartitions {
			return fmt.Errorf("partition must be numbered 0 through %d", MaxPartitions-1)
		}
		if found&(1<<ix) != 0 {
			return fmt.Errorf("invalid or duplicate partition number found for %d", ix)
		}
		found |= 1 << ix

		p := &Partition{}
		var ok bool
		if p.Type, ok = parseGUID(cstr.String(ps.String("type"))); !ok {
			return fmt.Errorf("partition %d's type must set to a UUID", ix)
		}
		if p.GUID, ok = parseGUID(cstr.String(ps.String("guid"))); !ok {
			return fmt.Errorf("partition %d must have a valid guid", ix)
		}
		name := cstr.String(ps.String("name"))
		for i := 0; i < len(name) && i < 36; i++ {
			p.Name[2*i] = name[i]
		}

		offset, err := partcfg.BlockOffset(ps, int(ix))
		if err != nil {
			return err
		}
		p.BlockOffset = offset
		p.BlockCount = uint32(ps.Int("block-count"))
		if p.BlockCount >= math.MaxInt32 {
			return fmt.Errorf("partition %d's block-count must be specified and less than 2^31 - 1", ix)
		}
		p.Expand = ps.Bool("expand")

		// fwup tests strtoull's result for ULLONG_MAX with an errno it
		// never cleared, so in practice every value that comes out as
		// 2^64-1 ("-1", "0xffffffffffffffff", overflows) is refused.
		flags, rest, _ := cstr.Strtoull(cstr.String(ps.String("flags")))
		if flags == math.MaxUint64 || rest != "" {
			return fmt.Errorf("error parsing partition %d's flags", ix)
		}
		if ps.Bool("boot") {
			flags |= 0x4
		}
		p.Flags = flags
		t.Partitions[ix] = p
	}
	return nil
}
