// Package vcdiff reads and writes VCDIFF deltas (RFC 3284) in the dialect
// xdelta3 writes and fwup applies: the RFC's default code table, no
// secondary compression, and xdelta3's per-window Adler-32 checksum.
//
// It is our own because no pure-Go VCDIFF module is served to this project,
// and the public ones hold the whole source and target in memory or handle a
// single window; a device applying a delta to a partition needs a streaming
// decoder whose memory is one target window, whatever the image size.
package vcdiff
