// Package rootfstest holds what the tests of every tree reader share: a
// sample tree with every kind of entry, staging it on the host for real
// archivers, trees from compact specs, and comparisons that name each
// differing entry.
package rootfstest
