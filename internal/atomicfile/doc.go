// Package atomicfile writes output files so that a failure never leaves a
// half-written file at the destination: the data goes to a temporary file
// in the same directory, is synced, and is renamed into place.
package atomicfile
