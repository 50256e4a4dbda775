package mbr

import "encoding/binary"

// write stores the OSIP header at the start of out (the MBR's boot code
// area): "$OS$", revision, XOR checksum, pointer and image counts, header
// size, then 24 bytes per OS image identifier.
func (o *OSIP) write(out []byte) {
	n := len(o.Images)
	size := 32 + 24*n
	copy(out[0:4], "$OS$")
	out[4] = 0
	out[5] = o.Minor
	out[6] = o.Major
	out[7] = 0 // checksum, filled in below
	out[8] = o.NumPointers
	out[9] = byte(n)
	binary.LittleEndian.PutUint16(out[10:], uint16(size))
	clear(out[12:32])
	for i, d := range o.Images {
		b := out[32+24*i : 32+24*(i+1)]
		binary.LittleEndian.PutUint16(b[0:], d.OSMinor)
		binary.LittleEndian.PutUint16(b[2:], d.OSMajor)
		binary.LittleEndian.PutUint32(b[4:], d.StartBlockOffset)
		binary.LittleEndian.PutUint32(b[8:], d.DDRLoadAddress)
		binary.LittleEndian.PutUint32(b[12:], d.EntryPoint)
		binary.LittleEndian.PutUint32(b[16:], d.ImageSize)
		b[20] = d.Attribute
		clear(b[21:24])
	}
	var sum byte
	for _, c := range out[:size] {
		sum ^= c
	}
	out[7] = sum
}
