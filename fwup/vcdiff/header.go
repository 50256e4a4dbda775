package vcdiff

import (
	"fmt"
	"io"
)

// The file header: magic "VCD" with the high bits set, a version byte, and
// an indicator saying which optional parts follow.
var magic = [3]byte{0xd6, 0xc3, 0xc4}

const (
	hdrDecompress = 0x01 // VCD_DECOMPRESS: secondary compressor ID follows
	hdrCodeTable  = 0x02 // VCD_CODETABLE: a custom code table follows
	hdrAppHeader  = 0x04 // xdelta3's VCD_APPHEADER: length-prefixed application data
)

// secondaryName is xdelta3's name for each secondary compressor ID.
func secondaryName(id byte) string {
	switch id {
	case 1:
		return "DJW"
	case 2:
		return "LZMA"
	case 16:
		return "FGK"
	}
	return fmt.Sprintf("unknown compressor %d", id)
}

// readHeader consumes the file header, refusing what we do not decode and
// skipping xdelta3's application header (file names), which fwup ignores.
func readHeader(r *patchReader) error {
	var h [5]byte
	if err := r.full(h[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return fmt.Errorf("%w: shorter than its header (%w)", ErrNotVCDIFF, err)
		}
		return err
	}
	if [3]byte(h[:3]) != magic {
		return ErrNotVCDIFF
	}
	if h[3] != 0 {
		return fmt.Errorf("%w: version byte %d", ErrVersion, h[3])
	}
	ind := h[4]
	if ind&^(hdrDecompress|hdrCodeTable|hdrAppHeader) != 0 {
		return fmt.Errorf("%w: unknown header indicator bits %#x", ErrCorrupt, ind)
	}
	if ind&hdrDecompress != 0 {
		id, err := r.byte()
		if err != nil {
			return fmt.Errorf("%w (compressor ID missing: %w)", ErrSecondaryCompression, err)
		}
		return fmt.Errorf("%w (patch uses %s)", ErrSecondaryCompression, secondaryName(id))
	}
	if ind&hdrCodeTable != 0 {
		return ErrCodeTable
	}
	if ind&hdrAppHeader != 0 {
		n, err := r.varint()
		if err != nil {
			return err
		}
		if err := r.skip(n); err != nil {
			return fmt.Errorf("vcdiff: application header: %w", err)
		}
	}
	return nil
}
