// Package progressline draws an apply's progress for people watching a
// terminal: one line, redrawn in place, with the amount written, the rate
// and the time left, ended before anything else is printed.
package progressline
