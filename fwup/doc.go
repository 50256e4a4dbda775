// Package fwup creates, reads and checks firmware archives in fwup's
// format. Subpackages hold the parts that stand alone: the config language
// (conf), the ZIP layer (archive) and keys.
package fwup
