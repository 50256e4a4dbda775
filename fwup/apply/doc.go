// Package apply applies fwup archives to images, block devices and
// running systems exactly as fwup does: the archive is read once, front to
// back; a task is chosen by name prefix and requirements; its handlers run
// their actions through fwup's block cache, so that the bytes written (and
// the order they reach the target) are fwup's.
package apply
