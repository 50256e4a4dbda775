// Package adler32 is the Adler-32 checksum (RFC 1950) that xdelta3 puts
// in every VCDIFF window, about twice as fast as hash/adler32: it takes
// eight bytes per step with a handful of 64-bit operations (see words),
// where the standard library's loop takes one byte with three. Decoding
// a delta update checks every window, so the checksum is on the apply's
// critical path.
package adler32
