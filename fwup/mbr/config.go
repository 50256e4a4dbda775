package mbr

import (
	"errors"
	"fmt"
	"math"

	"github.com/firmwright/firmwright/internal/cstr"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/internal/partcfg"
)

// FromConfig reads an `mbr NAME { … }` section and checks it as fwup's
// mbr_verify_cfg does when an archive is created: bootstrap-code length,
// the OSIP header, partition numbers, types, offsets and counts, the
// extended partition and the placement of every partition and EBR. Errors
// carry fwup's message text exactly.
//
// The boot code's hex digits are not checked here (fwup checks them only
// when writing); Encode reports bad digits.
func FromConfig(sec *conf.Section) (*Table, error) {
	t := &Table{}
	if sec.Has("bootstrap-code") {
		t.BootstrapCode = cstr.String(sec.String("bootstrap-code"))
		if len(t.BootstrapCode) != 2*BootstrapSize {
			return nil, errors.New("bootstrap-code should be exactly 440 bytes")
		}
	}
	osip, err := osipFromConfig(sec)
	if err != nil {
		return nil, err
	}
	if osip != nil && sec.Has("bootstrap-code") {
		return nil, errors.New("cannot specify OSIP if including bootstrap code")
	}
	t.OSIP = osip
	if err := t.partitionsFromConfig(sec); err != nil {
		return nil, err
	}
	if err := t.expanded(0).verify(); err != nil {
		return nil, err
	}
	if sec.Has("signature") {
		v, _, _ := cstr.Strtoull(sec.String("signature"))
		t.Signature = uint32(v)
	}
	return t, nil
}

// partitionsFromConfig fills the partitions from the `partition N`
// subsections, in the order they were written (fwup's
// mbr_cfg_to_partitions).
func (t *Table) partitionsFromConfig(sec *conf.Section) error {
	var found uint32
	for _, ps := range sec.Sections("partition") {
		ix := cstr.TitleInt(ps.Title)
		if ix < 0 || ix >= MaxPartitions {
			return fmt.Errorf("partition must be numbered 0 through %d", MaxPartitions-1)
		}
		if found&(1<<ix) != 0 {
			return fmt.Errorf("invalid or duplicate partition number found for %d", ix)
		}
		found |= 1 << ix
		if ix >= MaxPrimary {
			t.LogicalCount = ix - MaxPrimary + 1
		}

		p := &t.Partitions[ix]
		typ := int(int32(ps.Int("type")))
		if typ < 0 || typ > 0xff {
			return fmt.Errorf("partition %d's type must be between 0 and 255", ix)
		}
		p.Type = typ

		offset, err := partcfg.BlockOffset(ps, ix)
		if err != nil {
			return err
		}
		p.BlockOffset = offset
		p.BlockCount = uint32(ps.Int("block-count"))
		p.RecordOffset = 0

		if isExtendedType(typ) {
			if ix != 3 {
				return errors.New("only partition 3 may be specified as the extended partition")
			}
			p.Boot = false
			p.Expand = true
			if p.BlockCount >= math.MaxInt32 {
				p.BlockCount = 1
			}
		} else {
			p.Boot = ps.Bool("boot")
			p.Expand = ps.Bool("expand")
			if p.BlockCount >= math.MaxInt32 {
				return fmt.Errorf("partition %d's block-count must be specified and less than 2^31 - 1", ix)
			}
		}
	}

	if t.LogicalCount > 0 {
		if !isExtendedType(t.Partitions[3].Type) {
			return errors.New("to use more than 4 partitions with MBR, partition 3 must have extended partition type 0xf or 0x5")
		}
		// EBRs go in consecutive blocks from the start of the extended
		// partition, up to the first unused logical partition number.
		record := t.Partitions[3].BlockOffset
		for i := MaxPrimary; i < MaxPartitions && t.Partitions[i].Type != 0; i++ {
			t.Partitions[i].RecordOffset = record
			record++
		}
	}
	return nil
}

// osipFromConfig reads the OSIP settings (fwup's mbr_cfg_to_osip); it
// returns nil when include-osip is false.
func osipFromConfig(sec *conf.Section) (*OSIP, error) {
	if !sec.Bool("include-osip") {
		return nil, nil
	}
	o := &OSIP{
		Major:       uint8(sec.Int("osip-major")),
		Minor:       uint8(sec.Int("osip-minor")),
		NumPointers: uint8(sec.Int("osip-num-pointers")),
	}
	var images [16]OSII
	found, largest := 0, -1
	for _, s := range sec.Sections("osii") {
		ix := cstr.TitleInt(s.Title)
		if ix < 0 || ix >= 15 {
			return nil, errors.New("osii must be numbered 0 through 15")
		}
		if found&(1<<ix) != 0 {
			return nil, errors.New("invalid or duplicate osii number found")
		}
		found |= 1 << ix
		largest = max(largest, ix)
		images[ix] = OSII{
			OSMajor:          uint16(s.Int("os-major")),
			OSMinor:          uint16(s.Int("os-minor")),
			StartBlockOffset: uint32(s.Int("start-block-offset")),
			DDRLoadAddress:   uint32(s.Int("ddr-load-address")),
			EntryPoint:       uint32(s.Int("entry-point")),
			ImageSize:        uint32(s.Int("image-size-blocks")),
			Attribute:        uint8(s.Int("attribute")),
		}
	}
	if largest < 0 {
		return nil, errors.New("need to specify one or more osii")
	}
	o.Images = images[:largest+1]
	return o, nil
}
