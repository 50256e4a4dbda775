// Package erlang holds what firmwright knows of Erlang/OTP releases and
// of erlinit, the Nerves init that starts them: the release checks and
// scrubbing Nerves does (CheckRelease, ScrubRelease), the ELF check of a
// release's native code (CheckELF), the boot script's read-ahead order
// (BootOrder, with a decoder of Erlang's external term format). It works
// on rootfs Trees, apart from the filesystem model itself. What erlinit
// itself reads (erlinit.config, start_erl.data) is package erlinit, which
// imports nothing of firmwright's: deviceinit uses it, and the device
// binary stays small.
package erlang
