// Package upload sends a .fw to a device over SSH the way mix upload does:
// it opens the device's "fwup" subsystem, streams the archive into it,
// relays what the device prints and returns the device's exit status.
//
// It also holds what that needs around it: OpenSSH's rules for
// known_hosts, its choice of keys, a small reader of ~/.ssh/config, and a
// one-shot mDNS query (RFC 6762) for .local names, which Go's resolver
// in a static binary does not answer.
package upload
