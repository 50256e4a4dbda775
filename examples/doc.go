// Package examples holds the example inputs (made from Debian's arm64
// packages by make-inputs) and the example app, and the test that boots
// the example firmware in QEMU through an A/B update. It has no Go code
// of its own beside that test.
package examples
