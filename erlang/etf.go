package erlang

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/big"
)

// A small decoder for Erlang's external term format (what term_to_binary
// writes), enough to read a release's .boot file: atoms, integers,
// floats, tuples, lists, strings, binaries and maps, plus the compressed
// envelope. Pids, ports, references and funs never occur in a boot
// script and are refused.
//
// Terms decode to Go values:
//
//	atom          etfAtom
//	integer       int64, or *big.Int when it does not fit
//	float         float64
//	tuple         etfTuple
//	list, string  etfList (a string's elements are int64 character codes;
//	              an improper list's tail is kept in Tail)
//	binary        []byte
//	map           etfMap (pairs in the order they were encoded)

type (
	etfAtom  string
	etfTuple []any
	etfList  struct {
		Elems []any
		Tail  any // nil for a proper list
	}
	etfMap [][2]any
)

// External term format tags.
const (
	etfVersion       = 131
	etfCompressed    = 80
	etfNewFloat      = 70
	etfBitBinary     = 77
	etfSmallInteger  = 97
	etfInteger       = 98
	etfFloat         = 99
	etfAtomTag       = 100
	etfSmallTuple    = 104
	etfLargeTuple    = 105
	etfNil           = 106
	etfString        = 107
	etfListTag       = 108
	etfBinary        = 109
	etfSmallBig      = 110
	etfLargeBig      = 111
	etfMapTag        = 116
	etfSmallAtom     = 115
	etfAtomUTF8      = 118
	etfSmallAtomUTF8 = 119
)

// maxETFDepth bounds nesting so hostile input cannot exhaust the stack.
const maxETFDepth = 512

// maxETFInflated bounds a compressed term's declared size.
const maxETFInflated = 256 << 20

// decodeETF decodes one term_to_binary result.
func decodeETF(b []byte) (any, error) {
	if len(b) == 0 || b[0] != etfVersion {
		return nil, fmt.Errorf("not an Erlang external term (no version byte 131)")
	}
	b = b[1:]
	if len(b) > 0 && b[0] == etfCompressed {
		if len(b) < 5 {
			return nil, fmt.Errorf("truncated compressed term")
		}
		size := binary.BigEndian.Uint32(b[1:5])
		if size > maxETFInflated {
			return nil, fmt.Errorf("compressed term of %d bytes is too large", size)
		}
		zr, err := zlib.NewReader(bytes.NewReader(b[5:]))
		if err != nil {
			return nil, fmt.Errorf("compressed term: %w", err)
		}
		raw := make([]byte, size)
		if _, err := io.ReadFull(zr, raw); err != nil {
			return nil, fmt.Errorf("compressed term: %w", err)
		}
		b = raw
	}
	d := &etfDecoder{b: b}
	v, err := d.term(0)
	if err != nil {
		return nil, fmt.Errorf("offset %d: %w", d.off, err)
	}
	if d.off != len(d.b) {
		return nil, fmt.Errorf("%d bytes after the term", len(d.b)-d.off)
	}
	return v, nil
}

type etfDecoder struct {
	b   []byte
	off int
}

func (d *etfDecoder) take(n int) ([]byte, error) {
	if n < 0 || n > len(d.b)-d.off {
		return nil, fmt.Errorf("truncated term (need %d bytes, have %d)", n, len(d.b)-d.off)
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p, nil
}

func (d *etfDecoder) u8() (int, error) {
	p, err := d.take(1)
	if err != nil {
		return 0, err
	}
	return int(p[0]), nil
}

func (d *etfDecoder) u16() (int, error) {
	p, err := d.take(2)
	if err != nil {
		return 0, err
	}
	return int(binary.BigEndian.Uint16(p)), nil
}

func (d *etfDecoder) u32() (int, error) {
	p, err := d.take(4)
	if err != nil {
		return 0, err
	}
	n := binary.BigEndian.Uint32(p)
	if int64(n) > int64(len(d.b)) {
		// Every element takes at least one byte: a count past the input
		// is corrupt, and refusing it keeps allocations bounded.
		return 0, fmt.Errorf("length %d exceeds the input", n)
	}
	return int(n), nil
}

func (d *etfDecoder) term(depth int) (any, error) {
	if depth > maxETFDepth {
		return nil, fmt.Errorf("terms nested deeper than %d", maxETFDepth)
	}
	tag, err := d.u8()
	if err != nil {
		return nil, err
	}
	return d.body(tag, depth)
}

// body decodes a term's body by its tag.
func (d *etfDecoder) body(tag, depth int) (any, error) {
	switch tag {
	case etfSmallInteger:
		n, err := d.u8()
		return int64(n), err
	case etfInteger:
		p, err := d.take(4)
		if err != nil {
			return nil, err
		}
		return int64(int32(binary.BigEndian.Uint32(p))), nil
	case etfSmallBig, etfLargeBig:
		return d.bigInteger(tag)
	case etfNewFloat:
		return d.newFloat()
	case etfFloat:
		return d.oldFloat()
	case etfAtomTag, etfAtomUTF8, etfSmallAtom, etfSmallAtomUTF8:
		return d.atom(tag)
	case etfSmallTuple, etfLargeTuple:
		return d.tuple(tag, depth)
	case etfNil:
		return etfList{}, nil
	case etfString:
		return d.charlist()
	case etfListTag:
		return d.list(depth)
	case etfBinary, etfBitBinary:
		return d.binary(tag)
	case etfMapTag:
		return d.mapTerm(depth)
	}
	return nil, fmt.Errorf("unsupported term tag %d", tag)
}

// count reads a length: one byte for the small forms, four otherwise.
func (d *etfDecoder) count(small bool) (int, error) {
	if small {
		return d.u8()
	}
	return d.u32()
}

func (d *etfDecoder) bigInteger(tag int) (any, error) {
	n, err := d.count(tag == etfSmallBig)
	if err != nil {
		return nil, err
	}
	sign, err := d.u8()
	if err != nil {
		return nil, err
	}
	le, err := d.take(n)
	if err != nil {
		return nil, err
	}
	be := make([]byte, n)
	for i, c := range le {
		be[n-1-i] = c
	}
	v := new(big.Int).SetBytes(be)
	if sign != 0 {
		v.Neg(v)
	}
	if v.IsInt64() {
		return v.Int64(), nil
	}
	return v, nil
}

func (d *etfDecoder) newFloat() (any, error) {
	p, err := d.take(8)
	if err != nil {
		return nil, err
	}
	return math.Float64frombits(binary.BigEndian.Uint64(p)), nil
}

func (d *etfDecoder) oldFloat() (any, error) {
	p, err := d.take(31)
	if err != nil {
		return nil, err
	}
	var f float64
	if _, err := fmt.Sscanf(string(bytes.TrimRight(p, "\x00")), "%g", &f); err != nil {
		return nil, fmt.Errorf("bad float %q", bytes.TrimRight(p, "\x00"))
	}
	return f, nil
}

func (d *etfDecoder) atom(tag int) (any, error) {
	var n int
	var err error
	if tag == etfAtomTag || tag == etfAtomUTF8 {
		n, err = d.u16()
	} else {
		n, err = d.u8()
	}
	if err != nil {
		return nil, err
	}
	p, err := d.take(n)
	return etfAtom(p), err
}

func (d *etfDecoder) tuple(tag, depth int) (any, error) {
	n, err := d.count(tag == etfSmallTuple)
	if err != nil {
		return nil, err
	}
	t := make(etfTuple, 0, min(n, 1024))
	for range n {
		v, err := d.term(depth + 1)
		if err != nil {
			return nil, err
		}
		t = append(t, v)
	}
	return t, nil
}

func (d *etfDecoder) charlist() (any, error) {
	n, err := d.u16()
	if err != nil {
		return nil, err
	}
	p, err := d.take(n)
	if err != nil {
		return nil, err
	}
	l := etfList{Elems: make([]any, n)}
	for i, c := range p {
		l.Elems[i] = int64(c)
	}
	return l, nil
}

func (d *etfDecoder) list(depth int) (any, error) {
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	l := etfList{Elems: make([]any, 0, min(n, 1024))}
	for range n {
		v, err := d.term(depth + 1)
		if err != nil {
			return nil, err
		}
		l.Elems = append(l.Elems, v)
	}
	tail, err := d.term(depth + 1)
	if err != nil {
		return nil, err
	}
	if t, ok := tail.(etfList); !ok || len(t.Elems) != 0 || t.Tail != nil {
		l.Tail = tail
	}
	return l, nil
}

// binary is a binary, or a bit binary (whose last byte's bit count is
// read and dropped).
func (d *etfDecoder) binary(tag int) (any, error) {
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	if tag == etfBitBinary {
		if _, err := d.u8(); err != nil {
			return nil, err
		}
	}
	p, err := d.take(n)
	return bytes.Clone(p), err
}

func (d *etfDecoder) mapTerm(depth int) (any, error) {
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	m := make(etfMap, 0, min(n, 1024))
	for range n {
		k, err := d.term(depth + 1)
		if err != nil {
			return nil, err
		}
		v, err := d.term(depth + 1)
		if err != nil {
			return nil, err
		}
		m = append(m, [2]any{k, v})
	}
	return m, nil
}

// etfText returns a charlist's (or a binary's) text.
func etfText(v any) (string, bool) {
	switch v := v.(type) {
	case []byte:
		return string(v), true
	case etfList:
		if v.Tail != nil {
			return "", false
		}
		rs := make([]rune, 0, len(v.Elems))
		for _, e := range v.Elems {
			c, ok := e.(int64)
			if !ok || c < 0 || c > 0x10ffff {
				return "", false
			}
			rs = append(rs, rune(c))
		}
		return string(rs), true
	}
	return "", false
}
