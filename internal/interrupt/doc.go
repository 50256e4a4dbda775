// Package interrupt turns Ctrl-C (SIGINT) and SIGTERM into a cancelled
// context, so that a command stops the work it is doing, removes what it
// was writing and exits as a killed process would; a second signal ends
// the process at once.
package interrupt
