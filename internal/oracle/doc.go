// Package oracle is how tests reach the real tools they check firmwright
// against (unsquashfs, fsck.fat, sfdisk, fw_printenv, …): on a developer's
// machine a missing tool skips the test; under CI=true, where .ci/run has
// installed every one, it fails, so CI never skips silently.
package oracle
