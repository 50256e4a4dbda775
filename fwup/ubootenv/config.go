package ubootenv

import (
	"errors"

	"github.com/firmwright/firmwright/internal/cstr"

	"github.com/firmwright/firmwright/fwup/conf"
)

// Verify checks a `uboot-environment NAME { … }` section as fwup's
// uboot_env_verify_cfg does when an archive is created, with its messages:
// block-offset must be a number, block-count 1 to 65534, and a redundant
// copy must not overlap the first. block-count is read as a C int, so
// values of 2^32 and more wrap.
func Verify(sec *conf.Section) error {
	offset, ok := offsetOption(sec, "block-offset")
	if !ok {
		return errors.New("block-offset must be specified")
	}
	count := int64(int32(sec.Int("block-count")))
	if count <= 0 || count >= 65535 {
		return errors.New("block-count must be specified, greater than 0 and less than 2^16 - 1")
	}
	if redund, ok := offsetOption(sec, "block-offset-redund"); ok {
		// fwup compares signed 64-bit offsets (off_t).
		left, right := int64(redund), int64(redund)+count
		start, end := int64(offset), int64(offset)+count
		if (left >= start && left < end) || (right > start && right < end) {
			return errors.New("block-offset-redund can't overlap primary U-Boot environment")
		}
	}
	return nil
}

// FromConfig checks the section with Verify and returns a new, empty
// environment set to write every copy with generation 1, as fwup's
// uboot_env_create_cfg prepares it (this is what uboot_clearenv writes).
//
// A block-offset-redund that is not a number is ignored, as in fwup: the
// environment is then not redundant. fwup also rejects at this point a
// block-count that only passed Verify by wrapping (2^32+1 and so on).
func FromConfig(sec *conf.Section) (*Env, error) {
	if err := Verify(sec); err != nil {
		return nil, err
	}
	offset, _ := offsetOption(sec, "block-offset")
	count := sec.Int("block-count")
	if uint64(count) == 0 || uint64(count) >= 65535 {
		return nil, errors.New("invalid u-boot environment block count")
	}
	e := &Env{BlockOffset: offset, BlockCount: int(count), RedundBlockOffset: offset, WritePrimary: true}
	if redund, ok := offsetOption(sec, "block-offset-redund"); ok {
		e.Redundant = true
		e.RedundBlockOffset = redund
		e.WriteSecondary = true
	}
	return e, nil
}

// offsetOption parses a string option as fwup's cfg_get_off_t does: the
// whole value through strtoull (so "" is 0 and "-1" is 2^64-1), no
// overflow. ok is false when the option is unset or not a number.
func offsetOption(sec *conf.Section, name string) (v uint64, ok bool) {
	if !sec.Has(name) {
		return 0, false
	}
	v, rest, overflow := cstr.Strtoull(cstr.String(sec.String(name)))
	return v, rest == "" && !overflow
}
