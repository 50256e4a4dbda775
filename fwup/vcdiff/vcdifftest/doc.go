// Package vcdifftest makes malformed VCDIFF patches, by hand, that no
// encoder would write: for tests of the decoder's refusals from the
// packages that apply patches.
package vcdifftest
