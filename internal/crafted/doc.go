// Package crafted makes hostile inputs for firmwright's fwup mode: .fw
// archives whose meta.conf has shapes create would never write, and
// fwup.conf files that blow up create. Each case belongs to a class of
// issue 14 (meta.conf shapes, block-offset overflow, lengths, memory
// driven by the archive, create blowups, holes) and says how to run it.
// The tests of cmd/firmwright run every case under an address-space
// limit and want exit 0 or 1 with a message, never a crash; with a real
// fwup they report how many it survives beside us.
package crafted
