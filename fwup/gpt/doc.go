// Package gpt builds GUID partition tables the way fwup 1.16 does, so that
// firmwright's gpt_write gives byte-identical disks.
//
// FromConfig checks a `gpt NAME { … }` section with fwup's create-time
// rules (gpt_verify_cfg) and returns its errors with fwup's exact text.
// Table.Encode produces every block fwup's gpt_write stores: the
// protective MBR, the primary header and entries, and the backup entries
// and header at the end of the device (or, when the device size is
// unknown, after the last partition).
//
// The package does no I/O: it takes config sections and returns bytes.
// fwup's 32-bit block arithmetic and C parsing of numbers are reproduced
// on purpose.
package gpt
