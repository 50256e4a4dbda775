package fwup

import (
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/gpt"
	"github.com/firmwright/firmwright/fwup/mbr"
	"github.com/firmwright/firmwright/fwup/ubootenv"
	"github.com/firmwright/firmwright/internal/cstr"
)

// checkTable checks mbr, gpt and uboot-environment sections as fwup does
// when they close, and rewrites what fwup rewrites into meta.conf.
func checkTable(sec *conf.Section) error {
	switch sec.Opt.Name {
	case "mbr":
		if err := inlineBootstrap(sec); err != nil {
			return err
		}
		_, err := mbr.FromConfig(sec)
		return err
	case "gpt":
		if _, err := gpt.FromConfig(sec); err != nil {
			return err
		}
		foldGPTBoot(sec)
	case "uboot-environment":
		return ubootenv.Verify(sec)
	}
	return nil
}

// inlineBootstrap replaces bootstrap-code-host-path with the hex of the
// file's first 440 bytes, so the archive carries the code. fwup opens the
// path as given, relative to the current directory.
func inlineBootstrap(sec *conf.Section) error {
	path := sec.String("bootstrap-code-host-path")
	if !sec.Has("bootstrap-code-host-path") || sec.Has("bootstrap-code") {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("mbr bootstrap code path '%s' required, but can't be read", path)
	}
	defer f.Close()
	code := make([]byte, 440)
	if _, err := io.ReadFull(f, code); err != nil {
		return fmt.Errorf("mbr bootstrap code in '%s' should be %d bytes", path, len(code))
	}
	sec.Set("bootstrap-code", hex.EncodeToString(code))
	return nil
}

// foldGPTBoot turns `boot = true` into bit 2 of flags, as fwup does so
// that fwup versions before `boot` existed apply the archive the same way.
func foldGPTBoot(sec *conf.Section) {
	for _, p := range sec.Sections("partition") {
		if !p.Bool("boot") {
			continue
		}
		flags, _, _ := cstr.Strtoull(p.String("flags"))
		p.Set("flags", fmt.Sprintf("0x%x", flags|4))
		p.Set("boot", "false")
	}
}
