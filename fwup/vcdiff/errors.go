package vcdiff

import "errors"

// Each refusal has its own sentinel so that a caller (the apply engine, the
// patch command) can tell a patch made with the wrong xdelta3 flags from a
// corrupt or hostile one, with errors.Is.
var (
	ErrNotVCDIFF = errors.New("vcdiff: not a VCDIFF patch")
	ErrVersion   = errors.New("vcdiff: unsupported VCDIFF version (only version 0 is defined)")
	// ErrSecondaryCompression names the fix because Debian's xdelta3
	// compresses its sections with LZMA unless told otherwise.
	ErrSecondaryCompression = errors.New("vcdiff: secondary compression (LZMA/DJW/FGK) is not supported; make the patch with xdelta3 -S none")
	ErrCodeTable            = errors.New("vcdiff: custom code tables are not supported")
	ErrTargetWindow         = errors.New("vcdiff: VCD_TARGET windows (copying from earlier output) are not supported")
	ErrWindowTooLarge       = errors.New("vcdiff: target window is larger than the limit")
	ErrAddress              = errors.New("vcdiff: copy address past the source segment or not yet decoded")
	ErrSourceSegment        = errors.New("vcdiff: source segment lies outside the source")
	ErrCopySpansSegments    = errors.New("vcdiff: copy runs from the source segment into the target")
	ErrLengthMismatch       = errors.New("vcdiff: window length field disagrees with its sections")
	ErrTrailingData         = errors.New("vcdiff: window has data its instructions do not use")
	ErrChecksum             = errors.New("vcdiff: target window checksum mismatch")
	// ErrCorrupt covers the remaining malformed input: unknown indicator
	// bits, an instruction running past its window or its sections, an
	// oversized integer.
	ErrCorrupt = errors.New("vcdiff: corrupt patch")
)
