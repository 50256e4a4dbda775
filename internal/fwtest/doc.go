// Package fwtest holds what the fwup packages' tests share: parsing
// config snippets, reading the zstd-compressed fixture images and block
// golden files, and replaying a file of fwup's recorded verdicts.
package fwtest
