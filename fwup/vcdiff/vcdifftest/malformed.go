package vcdifftest

// header is a VCDIFF file header: the magic, version 0, no indicators.
var header = []byte{0xd6, 0xc3, 0xc4, 0, 0}

// HugeWindow is a patch whose one window claims 64 MiB + 1 target bytes,
// one more than xdelta3 (and fwup) allow.
func HugeWindow() []byte {
	body := varint(nil, 64<<20+1) // target window length
	body = append(body, 0)        // delta indicator
	body = append(body, 0, 0, 0)  // data, instructions, addresses
	w := varint([]byte{0}, uint64(len(body)))
	return append(append(append([]byte{}, header...), w...), body...)
}

// CopyAt is a patch of one window that copies the one source byte at
// offset at: its source segment is the first at+1 bytes. Past the
// source's bound, a decoder must refuse it before reading anything.
func CopyAt(at int64) []byte {
	const copyMode0 = 19 // default code table: COPY, size in the instructions, mode 0 (VCD_SELF)
	inst := varint([]byte{copyMode0}, 1)
	addr := varint(nil, uint64(at))
	body := varint(nil, 1) // target window length
	body = append(body, 0) // delta indicator
	body = varint(body, 0) // data length
	body = varint(body, uint64(len(inst)))
	body = varint(body, uint64(len(addr)))
	body = append(append(body, inst...), addr...)
	w := []byte{1} // VCD_SOURCE
	w = varint(w, uint64(at)+1)
	w = varint(w, 0)
	w = varint(w, uint64(len(body)))
	return append(append(append([]byte{}, header...), w...), body...)
}

// varint appends v in VCDIFF's base-128 integer form, most significant
// digit first.
func varint(b []byte, v uint64) []byte {
	var digits [10]byte
	i := len(digits) - 1
	digits[i] = byte(v & 0x7f)
	for v >>= 7; v > 0; v >>= 7 {
		i--
		digits[i] = byte(v&0x7f) | 0x80
	}
	return append(b, digits[i:]...)
}
