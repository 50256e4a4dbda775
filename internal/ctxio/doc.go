// Package ctxio stops a stream once a context is done: every Read or
// Write after that fails with the context's cause. Long pipelines (a
// SquashFS image, a .fw, an image applied from one) read and write all
// the way through, so wrapping their ends is enough for a Ctrl-C to stop
// them within a block, and for their deferred clean-ups to run.
package ctxio
