// Package erlinit reads and writes what erlinit, the Nerves init, reads:
// erlinit.config (Parse, Merge), with erlinit's own splitting and option
// rules, and releases/start_erl.data (ParseStartErl). It imports nothing
// of firmwright's but internal/cstr (C's ctype rules), as the device's
// init (deviceinit) uses it and the device binary must stay small.
package erlinit
