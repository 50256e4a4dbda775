// Package mbr builds and reads DOS master boot records the way fwup 1.16
// does, so that firmwright's mbr_write and require-partition-offset give
// byte-identical disks and the same verdicts.
//
// FromConfig checks an `mbr NAME { … }` section with fwup's create-time
// rules (mbr_verify_cfg) and returns its errors with fwup's exact text.
// Table.Encode produces the blocks fwup's mbr_write stores: the MBR at LBA
// 0 and one extended boot record (EBR) per logical partition, with
// `expand` applied for the device size. Decode reads the four primary
// entries back, as fwup does for require-partition-offset.
//
// The package does no I/O: it takes config sections and bytes and returns
// bytes. fwup's integer quirks (32-bit wrap-around, C strtoul parsing of
// titles and offsets) are reproduced on purpose, because they decide which
// configs fwup accepts and what it writes.
package mbr
