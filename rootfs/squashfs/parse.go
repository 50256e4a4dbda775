package squashfs

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseCompression reads a --compression value: a compressor name
// ("gzip", "zstd", "xz", "lz4"), optionally followed by a colon and a
// level ("zstd:19", "gzip:1") or, for gzip, "max" (GzipMax: smaller than
// mksquashfs's gzip, slower). The level is 0 (the compressor's default)
// when none is given. Levels are checked by Write.
func ParseCompression(s string) (name string, level int, err error) {
	name, lv, ok := strings.Cut(s, ":")
	if !ok {
		return name, 0, nil
	}
	if lv == "max" {
		if name != "gzip" && name != "" {
			return "", 0, fmt.Errorf("compression %q: only gzip has a max level", s)
		}
		return "gzip", GzipMax, nil
	}
	level, err = strconv.Atoi(lv)
	if err != nil || level < 0 {
		return "", 0, fmt.Errorf("compression %q: the level after the colon is not a number or max", s)
	}
	return name, level, nil
}
