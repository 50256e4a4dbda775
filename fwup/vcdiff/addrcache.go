package vcdiff

import "fmt"

// addrCache is the RFC 3284 address cache: the last few copy addresses
// (near) and a table of addresses hashed by their low bits (same), so that
// a copy near a recent one, or repeating one, costs a byte or two. Encoder
// and decoder keep identical caches, reset at every window.
type addrCache struct {
	near     [nearSlots]uint64
	nextSlot int
	same     [sameTabs * 256]uint64
}

func (c *addrCache) reset() { *c = addrCache{} }

func (c *addrCache) update(addr uint64) {
	c.near[c.nextSlot] = addr
	c.nextSlot = (c.nextSlot + 1) % nearSlots
	c.same[addr%(sameTabs*256)] = addr
}

// decode reads the address of a copy in mode m made at position here of
// the window's address space (source segment, then target).
func (c *addrCache) decode(here uint64, mode uint8, addrs *section) (uint64, error) {
	var addr uint64
	switch {
	case mode >= 2+nearSlots:
		b, err := addrs.byte()
		if err != nil {
			return 0, err
		}
		addr = c.same[int(mode-2-nearSlots)*256+int(b)]
	default:
		v, err := addrs.varint()
		if err != nil {
			return 0, err
		}
		switch mode {
		case 0:
			addr = v
		case 1:
			if v > here {
				return 0, fmt.Errorf("%w: HERE offset %d before the window start", ErrAddress, v)
			}
			addr = here - v
		default:
			addr = c.near[mode-2] + v
			if addr < v || addr > maxVarint {
				return 0, fmt.Errorf("%w: near address overflows", ErrAddress)
			}
		}
	}
	c.update(addr)
	return addr, nil
}

// encode picks the mode that writes addr in the fewest bytes and returns it
// with the value to write (a byte for same modes, an integer otherwise).
func (c *addrCache) encode(addr, here uint64) (mode uint8, val uint64) {
	mode, val = 0, addr
	if d := here - addr; d < val {
		mode, val = 1, d
	}
	for i, n := range c.near {
		if addr >= n && addr-n < val {
			mode, val = uint8(2+i), addr-n
		}
	}
	if val >= 0x80 { // a same hit always costs one byte
		if s := addr % (sameTabs * 256); c.same[s] == addr {
			mode, val = uint8(2+nearSlots+s/256), s%256
		}
	}
	c.update(addr)
	return mode, val
}
