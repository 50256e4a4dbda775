package deflate

import "encoding/binary"

// decodeCodes decodes a Huffman-coded block until it ends or the output
// buffer has no room for a longest match. Each turn of the loop starts
// with at least 48 bits buffered, the most a length and its distance take
// (15+5 and 15+13), so it refills once per literal or match; the state
// lives in locals for the loop and goes back into r when it stops.
func (r *Reader) decodeCodes() error {
	in := &r.in
	out := r.out[:outSize]
	wp := r.wp
	lt, lmask, lbits := r.lit.t, r.lit.mask, r.lit.pbits
	dt, dmask, dbits := r.dist.t, r.dist.mask, r.dist.pbits
	bits, nbits := in.bits, in.nbits
	var why string
	for wp < outSize-maxMatch {
		if nbits < 48 {
			if in.ip+8 <= len(in.in) {
				bits |= binary.LittleEndian.Uint64(in.in[in.ip:]) << nbits
				in.ip += int(63-nbits) >> 3
				nbits |= 56
			} else {
				in.bits, in.nbits = bits, nbits
				in.refill()
				bits, nbits = in.bits, in.nbits
			}
		}
		e := lt[bits&lmask]
		if entryKind(e) == kindSub {
			bits >>= lbits
			nbits -= lbits
			e = lt[e>>16+uint32(bits)&(1<<(e>>4&15)-1)]
		}
		n := uint(e & 15)
		bits >>= n
		nbits -= n
		switch entryKind(e) {
		case kindLiteral:
			out[wp] = byte(e >> 16)
			wp++
			continue
		case kindEnd:
			r.endBlock()
		case kindLength:
			x := uint(e >> 4 & 15)
			length := int(e>>16) + int(bits&(1<<x-1))
			bits >>= x
			nbits -= x
			d := dt[bits&dmask]
			if entryKind(d) == kindSub {
				bits >>= dbits
				nbits -= dbits
				d = dt[d>>16+uint32(bits)&(1<<(d>>4&15)-1)]
			}
			if entryKind(d) != kindDist {
				why = "an invalid distance code"
				break
			}
			n := uint(d & 15)
			bits >>= n
			nbits -= n
			x = uint(d >> 4 & 15)
			dist := int(d>>16) + int(bits&(1<<x-1))
			bits >>= x
			nbits -= x
			if dist > wp {
				why = "a distance past the start of the output"
				break
			}
			wp = copyMatch(out, wp, dist, length)
			continue
		default:
			why = "an invalid literal/length code"
		}
		break
	}
	r.wp = wp
	in.bits, in.nbits = bits, nbits
	if why != "" {
		return r.corrupt(why)
	}
	return nil
}

// copyMatch appends length bytes from dist back at out[wp:] and returns
// the new end. An overlapping match repeats its first dist bytes: each
// copy doubles what the next may take.
func copyMatch(out []byte, wp, dist, length int) int {
	src, end := wp-dist, wp+length
	if dist >= length {
		copy(out[wp:end], out[src:src+length])
		return end
	}
	for wp < end {
		wp += copy(out[wp:end], out[src:wp])
	}
	return end
}
