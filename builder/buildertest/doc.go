// Package buildertest makes small but complete build inputs for tests: a
// Buildroot-like images/ folder with every file a system needs, and a
// release.
package buildertest
