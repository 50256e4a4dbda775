package builder

import (
	"crypto/ed25519"
	"time"

	"github.com/firmwright/firmwright/systems"
)

// Spec is everything a build takes. Nothing in it is read from the
// process environment or the clock: the caller resolves those.
type Spec struct {
	System *systems.System
	// Images is the Buildroot images/ folder: kernel, DTBs,
	// rpi-firmware/ and the base root filesystem.
	Images string
	// Release is the `mix release` directory.
	Release string
	// Overlays are directories laid over the root filesystem.
	Overlays []string
	// Delete holds path patterns removed from the base.
	Delete []string
	// Erlinit is a file of erlinit options merged over the system's.
	Erlinit string
	// FwupConf replaces the system's fwup.conf.
	FwupConf string
	// Defines are variables for fwup.conf; they win over its define()s.
	Defines map[string]string
	Meta    Meta
	// SignKey signs the .fw (and nothing else).
	SignKey ed25519.PrivateKey
	// NoChunkIndex leaves the signed chunk index (package
	// fwup/chunkindex) out of a signed .fw.
	NoChunkIndex bool
	// PublicKey, when set, is installed as /etc/fwup.pub so that the
	// device can check updates; a build that trusts a key must be signed
	// with its private half.
	PublicKey ed25519.PublicKey
	// DeviceFirmwright is firmwright's device binary (cmd/firmwright-device)
	// built for the board, static. It is installed as /usr/bin/fwup when
	// the base has no fwup, and as /sbin/init when the base has no
	// erlinit; a base without erlinit needs it. When empty, it is
	// firmwright-device-linux-GOARCH in the first of DeviceFirmwrightDirs
	// that has it.
	DeviceFirmwright     string
	DeviceFirmwrightDirs []string
	SquashFS             SquashFS
	// Output is the .fw to write; Image, if set, the card image.
	Output, Image string
	// ApplyEnv holds the apply-time variables for the image
	// (NERVES_SERIAL_NUMBER), as fwup -a takes them from its environment.
	ApplyEnv map[string]string
	// Time is the archive's creation time; ModTime, when set
	// (SOURCE_DATE_EPOCH), is also every file's mtime in the rootfs.
	Time    time.Time
	ModTime *time.Time
	// TempDir is where intermediate files go ("" = the system's).
	TempDir string
	// WorkDir, when set, holds the intermediate files instead, and keeps
	// them: the system's fwup.conf as create reads it, the boot file
	// fragments, rootfs.img, and fwup.env, the variables create sees, so
	// that a real fwup can make the same .fw (workdir.go).
	WorkDir string
	// Now times the stages (they report no time when nil); Report
	// receives them.
	Now    func() time.Time
	Report func(Stage)
}

// Meta are the firmware's meta-* fields, as the NERVES_FW_* variables the
// system's fwup.conf reads. Empty fields keep fwup.conf's defaults.
type Meta struct {
	Product, Description, Version, Author, VCSIdentifier, Misc string
}

// vars maps the fields to their variables.
func (m Meta) vars() map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{
		"NERVES_FW_PRODUCT": m.Product, "NERVES_FW_DESCRIPTION": m.Description, "NERVES_FW_VERSION": m.Version,
		"NERVES_FW_AUTHOR": m.Author, "NERVES_FW_VCS_IDENTIFIER": m.VCSIdentifier, "NERVES_FW_MISC": m.Misc,
	} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// Result is what a build made.
type Result struct {
	// Rootfs is the SquashFS image's size in bytes.
	RootfsSize int64
	// UUID and Nickname identify the firmware (meta-uuid).
	UUID, Nickname string
	FwSize         int64
}
