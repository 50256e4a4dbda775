// Package bufpool keeps byte buffers of one size for reuse. A channel
// holds the free ones: unlike sync.Pool, putting a slice back costs no
// allocation (sync.Pool would box its header), and the buffers kept are
// bounded.
package bufpool
