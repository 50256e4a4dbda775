package systems

import (
	"io"

	"github.com/firmwright/firmwright/fwup/ubootenv"
)

// ImagePlatform is the platform a disk image's firmware was built for,
// as its U-Boot environment records it (a.nerves_fw_platform, or b.'s),
// looked for where any of the built-in systems keeps the environment.
// ok is false when no environment is found there: an image made some
// other way.
func ImagePlatform(img io.ReaderAt) (platform string, ok bool) {
	seen := map[[2]int64]bool{}
	for _, name := range Names() {
		s, err := Lookup(name)
		if err != nil {
			continue
		}
		regions, err := s.Layout(nil)
		if err != nil {
			continue
		}
		for _, r := range regions {
			at := [2]int64{r.Offset, r.Count}
			if r.Name != "UBOOT_ENV" || seen[at] {
				continue
			}
			seen[at] = true
			if p := envPlatform(img, r); p != "" {
				return p, true
			}
		}
	}
	return "", false
}

func envPlatform(img io.ReaderAt, r Region) string {
	e := &ubootenv.Env{BlockOffset: uint64(r.Offset), BlockCount: int(r.Count)}
	data := make([]byte, e.Size())
	if _, err := img.ReadAt(data, r.Offset*512); err != nil {
		return ""
	}
	if e.Decode(data) != nil {
		return ""
	}
	for _, v := range []string{"a.nerves_fw_platform", "b.nerves_fw_platform", "nerves_fw_platform"} {
		if p, err := e.Get(v); err == nil && p != "" {
			return p
		}
	}
	return ""
}
