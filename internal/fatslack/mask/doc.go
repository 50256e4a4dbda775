// Command mask prints the sha256 of a disk image with its FAT file slack
// zeroed (internal/fatslack), for testdata/record-fwup when no other
// masking tool is given.
//
//	go run ./internal/fatslack/mask IMAGE
package main
