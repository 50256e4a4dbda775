// Package vcdiff reads and writes VCDIFF deltas (RFC 3284) in the dialect
// xdelta3 writes and fwup applies: the RFC's default code table, no
// secondary compression, and xdelta3's per-window Adler-32 checksum.
//
// It is our own because no pure-Go VCDIFF module is served to this project,
// and the public ones hold the whole source and target in memory or handle a
// single window; a device applying a delta to a partition needs a streaming
// decoder whose memory is one target window, whatever the image size.
//
// NewReader applies a patch: the patch is read forward only, the source is
// read at the offsets the patch names, and the target comes out window by
// window, each checked against its Adler-32 before any of it is returned.
// Encode makes a patch that xdelta3 -d (and so fwup) applies, of about the
// size xdelta3 -9 -S none makes.
//
// Debian's xdelta3 (3.0.11) writes windows of at most 16 MiB and refuses
// larger ones; xdelta3 3.1, which fwup vendors, and this package go to
// 64 MiB (HardMaxWindow).
package vcdiff
