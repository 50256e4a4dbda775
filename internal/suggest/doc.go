// Package suggest finds what a user probably meant: the command or flag
// nearest to a misspelt one, for "did you mean …?".
package suggest
