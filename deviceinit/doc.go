// Package deviceinit is a Nerves-style PID 1 for device bases that have no
// erlinit: it mounts the pseudo filesystems and the erlinit.config mounts
// (formatting a blank application partition on first boot), starts the
// Erlang release found under the release path with the command line and
// environment erlinit gives it, reaps every child while the release runs,
// and when the release stops it stops everything else, unmounts and
// reboots, passing /run/reboot-param to the kernel.
//
// Run holds the logic and reaches the machine only through System, so
// tests drive it with a fake; Main runs it on Linux as PID 1.
package deviceinit
