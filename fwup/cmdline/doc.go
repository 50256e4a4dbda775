// Package cmdline is fwup's own command line, as firmwright speaks it
// (`firmwright fwup …`, or the binary invoked as fwup): GNU getopt_long
// parsing with fwup's option table, every command (-a, -c, -g, -l, -m, -S,
// -V, -D, -z, --sparse-check), fwup's texts, progress modes and exit codes,
// byte for byte. It also holds the codecs that travel with that command
// line — --framing on stdin and stdout, and --exit-handshake — as readers
// and writers, so a client can decode what a device-side fwup encodes.
package cmdline
