package deflate

import (
	"bufio"
	"fmt"
	"io"
)

// A Reader inflates a raw DEFLATE stream (RFC 1951). It reads the stream
// from a bufio.Reader and takes exactly the stream's bytes from it, so a
// container's next field (a ZIP data descriptor, the next entry) is still
// there when the stream ends. It is firmwright's own for speed: its
// decode loop takes a literal or a whole match per 64-bit refill of its
// bit buffer, where a byte-at-a-time reader spends most of an apply.
type Reader struct {
	in    bitInput
	state inflateState
	final bool // the current block is the last
	// stored is what is left of a stored block.
	stored int
	lit    *decodeTable
	dist   *decodeTable
	dyn    [2]decodeTable // a dynamic block's codes
	cl     decodeTable    // its code length code
	lens   [numLitLen + numDist]uint8
	// out holds the last windowSize bytes of output (history) and those
	// not yet read, out[rp:wp].
	out    []byte
	rp, wp int
	err    error
}

type inflateState uint8

const (
	stateHeader inflateState = iota // a block header is next
	stateCodes                      // in a Huffman-coded block
	stateStored                     // in a stored block
	stateDone                       // after the final block
)

// outSize is the output buffer: the window, and room for 64 KiB more.
const outSize = windowSize + 1<<16

// A CorruptInputError is the input offset at which a stream stops making
// sense.
type CorruptInputError struct {
	Offset int64
	Why    string
}

func (e *CorruptInputError) Error() string {
	return fmt.Sprintf("deflate: corrupt input at byte %d: %s", e.Offset, e.Why)
}

// NewReader returns a Reader of the stream at br's position.
func NewReader(br *bufio.Reader) *Reader {
	r := &Reader{}
	r.Reset(br)
	return r
}

// Reset makes r read a new stream from br, keeping its buffers.
func (r *Reader) Reset(br *bufio.Reader) { r.reset(br, nil) }

func (r *Reader) reset(br *bufio.Reader, src []byte) {
	r.in.reset(br, src)
	if r.out == nil {
		r.out = make([]byte, outSize)
	}
	r.state, r.final, r.stored, r.rp, r.wp, r.err = stateHeader, false, 0, 0, 0, nil
}

// Read reads inflated bytes. It returns io.EOF after the final block, and
// io.ErrUnexpectedEOF when the input ends before it.
func (r *Reader) Read(p []byte) (int, error) {
	for r.rp == r.wp {
		if r.err != nil {
			return 0, r.err
		}
		if r.state == stateDone {
			r.err = io.EOF
			return 0, io.EOF
		}
		if r.wp >= outSize-maxMatch {
			// Keep the window, drop the rest.
			copy(r.out, r.out[r.wp-windowSize:r.wp])
			r.rp, r.wp = windowSize, windowSize
		}
		if err := r.stepChecked(); err != nil {
			r.err = err
			r.rp = r.wp // nothing from a step that failed
		} else if r.state == stateDone {
			r.in.finish()
		}
	}
	n := copy(p, r.out[r.rp:r.wp])
	r.rp += n
	return n, nil
}

// stepChecked is step, failing when it used bits past the end of the
// input (whatever it made of them: a cut header can look corrupt); an
// end of input is the read error that ended it, if any.
func (r *Reader) stepChecked() error {
	err := r.step()
	if r.in.overrun() {
		err = io.ErrUnexpectedEOF
	}
	if err == io.ErrUnexpectedEOF && r.in.readEr != nil {
		err = r.in.readEr
	}
	return err
}

// step decodes until the output buffer is full or a block ends.
func (r *Reader) step() error {
	switch r.state {
	case stateHeader:
		return r.header()
	case stateStored:
		return r.copyStored()
	case stateCodes:
		return r.decodeCodes()
	}
	return nil
}

func (r *Reader) corrupt(why string) error {
	return &CorruptInputError{Offset: r.in.offset(), Why: why}
}

// header reads a block header and sets up its decoding.
func (r *Reader) header() error {
	r.final = r.in.take(1) == 1
	switch r.in.take(2) {
	case 0:
		r.in.alignByte()
		v := r.in.take(32)
		if r.in.overrun() {
			return io.ErrUnexpectedEOF
		}
		if uint16(v) != ^uint16(v>>16) {
			return r.corrupt("a stored block's length and its complement differ")
		}
		r.stored, r.state = int(v&0xffff), stateStored
	case 1:
		r.lit, r.dist, r.state = &fixedLitTable, &fixedDistTable, stateCodes
	case 2:
		if err := r.dynamicHeader(); err != nil {
			return err
		}
		r.lit, r.dist, r.state = &r.dyn[0], &r.dyn[1], stateCodes
	default:
		return r.corrupt("block type 3")
	}
	return nil
}

// endBlock moves past a block that has ended.
func (r *Reader) endBlock() {
	if r.final {
		r.state = stateDone
	} else {
		r.state = stateHeader
	}
}

func (r *Reader) copyStored() error {
	n := min(r.stored, outSize-r.wp)
	got := r.in.copyBytes(r.out[r.wp : r.wp+n])
	r.wp += got
	r.stored -= got
	if got < n {
		return io.ErrUnexpectedEOF
	}
	if r.stored == 0 {
		r.endBlock()
	}
	return nil
}

// dynamicHeader reads a dynamic block's code lengths and builds its codes.
func (r *Reader) dynamicHeader() error {
	nlit := int(r.in.take(5)) + 257
	ndist := int(r.in.take(5)) + 1
	ncl := int(r.in.take(4)) + 4
	if nlit > numLitLen || ndist > numDist {
		return r.corrupt("too many length or distance symbols")
	}
	var cl [numCodeLen]uint8
	for i := 0; i < ncl; i++ {
		cl[codeLenOrder[i]] = uint8(r.in.take(3))
	}
	if err := r.cl.build(cl[:], maxCLLen, func(s int) entry { return entry(s) << 16 }, false); err != nil {
		return r.corrupt("code length code: " + err.Error())
	}
	lens := r.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		r.in.need(maxCLLen + 7)
		e := r.cl.t[r.in.bits&r.cl.mask]
		if entryKind(e) == kindInvalid {
			return r.corrupt("invalid code length code")
		}
		r.in.bits >>= e & 15
		r.in.nbits -= uint(e & 15)
		sym := e >> 16
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var v uint8
		switch sym {
		case 16:
			if i == 0 {
				return r.corrupt("a repeat with no length before it")
			}
			v, rep = lens[i-1], 3+int(r.in.take(2))
		case 17:
			rep = 3 + int(r.in.take(3))
		default:
			rep = 11 + int(r.in.take(7))
		}
		if i+rep > len(lens) {
			return r.corrupt("code lengths repeat past the last symbol")
		}
		for ; rep > 0; rep-- {
			lens[i] = v
			i++
		}
	}
	if r.in.overrun() {
		return io.ErrUnexpectedEOF
	}
	if lens[endOfBlock] == 0 {
		return r.corrupt("no end-of-block code")
	}
	if err := r.dyn[0].build(lens[:nlit], litBits, litLenEntry, false); err != nil {
		return r.corrupt("literal/length code: " + err.Error())
	}
	if err := r.dyn[1].build(lens[nlit:], distBits, distEntry, true); err != nil {
		return r.corrupt("distance code: " + err.Error())
	}
	return nil
}

// Primary table widths: most literal/length codes are 10 bits or less,
// most distance codes 8 or less.
const (
	litBits  = 10
	distBits = 8
)

var fixedLitTable, fixedDistTable decodeTable

func init() {
	var lens [288]uint8
	for s := range lens {
		lens[s] = fixedLitLen(s)
	}
	if err := fixedLitTable.build(lens[:], 9, litLenEntry, false); err != nil {
		panic(err)
	}
	for s := 0; s < 32; s++ {
		lens[s] = 5
	}
	if err := fixedDistTable.build(lens[:32], 5, distEntry, false); err != nil {
		panic(err)
	}
}
