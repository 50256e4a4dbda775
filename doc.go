// Package firmwright holds the files the binary carries: the systems (one
// folder per board) and the configs they share. The Go code that reads
// them is in package systems; this package exists because go:embed only
// reaches files below the package that embeds them.
package firmwright
