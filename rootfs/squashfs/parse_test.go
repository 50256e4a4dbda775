package squashfs

import "testing"

func TestParseCompression(t *testing.T) {
	for _, tc := range []struct {
		in    string
		name  string
		level int
		err   bool
	}{
		{"gzip", "gzip", 0, false},
		{"", "", 0, false},
		{"gzip:max", "gzip", GzipMax, false},
		{"gzip:1", "gzip", 1, false},
		{"zstd:19", "zstd", 19, false},
		{"zstd:max", "", 0, true},
		{"gzip:x", "", 0, true},
		{"gzip:-1", "", 0, true},
	} {
		name, level, err := ParseCompression(tc.in)
		if (err != nil) != tc.err || name != tc.name || level != tc.level {
			t.Errorf("ParseCompression(%q) = %q, %d, %v", tc.in, name, level, err)
		}
	}
}
