// Package systems describes the boards firmwright builds for. Each board
// is a folder under systems/ (fwup.conf, layout.conf, config.txt,
// cmdline-a/b.txt, erlinit.config, system.json) and shares configs/; both
// are embedded in the binary, and a folder on disk with the same files
// works too.
package systems
