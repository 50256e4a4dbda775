// Package buildinfo says which firmwright this is, from what the Go
// toolchain recorded in the binary.
package buildinfo
