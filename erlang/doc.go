// Package erlang holds what firmwright knows of Erlang/OTP releases and
// of erlinit, the Nerves init that starts them: the release checks and
// scrubbing Nerves does (CheckRelease, ScrubRelease), the ELF check of a
// release's native code (CheckELF), the boot script's read-ahead order
// (BootOrder, with a decoder of Erlang's external term format), and
// erlinit.config (ParseErlinit, MergeErlinit). It works on rootfs Trees,
// apart from the filesystem model itself; deviceinit reads erlinit.config
// through it.
package erlang
