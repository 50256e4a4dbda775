// Package deflate is a DEFLATE (RFC 1951) encoder written for firmwright's
// SquashFS and fwup writers, where output size matters more than in the
// general-purpose encoders: unlike compress/flate and klauspost/compress it
// emits 3-byte matches, splits blocks where the symbol statistics change,
// builds optimal length-limited Huffman codes, and at its highest levels
// chooses every literal and match by a cost model (a near-optimal parse).
//
// The Writer has compress/flate's shape (NewWriter, NewWriterDict, Write,
// Flush, Close, Reset); ZlibWriter adds the RFC 1950 wrapper SquashFS
// needs, and Compressor compresses whole buffers without an io.Writer.
//
// Output depends only on the input, the level, the dictionary and where
// Flush is called: never on how Write calls split the input, on
// GOMAXPROCS, or on map order.
package deflate
