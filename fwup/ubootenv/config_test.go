package ubootenv

import (
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestVerifyErrors checks Verify against fwup's verdicts recorded in
// testdata/errors.txt (see fwup/testdata/gen-verdicts.sh).
func TestVerifyErrors(t *testing.T) {
	fwtest.Verdicts(t, "testdata/errors.txt", "uboot-environment", 20, Verify)
}

func TestFromConfig(t *testing.T) {
	for _, tc := range []struct {
		body string
		want Env
		err  string
	}{
		{"block-offset = 16 block-count = 16",
			Env{BlockOffset: 16, BlockCount: 16, RedundBlockOffset: 16, WritePrimary: true}, ""},
		{"block-offset = 0x10 block-count = 2 block-offset-redund = 2048",
			Env{BlockOffset: 16, BlockCount: 2, Redundant: true, RedundBlockOffset: 2048, WritePrimary: true, WriteSecondary: true}, ""},
		{`block-offset = 16 block-count = 2 block-offset-redund = "x"`,
			Env{BlockOffset: 16, BlockCount: 2, RedundBlockOffset: 16, WritePrimary: true}, ""},
		{`block-offset = 5 block-count = 1 block-offset-redund = ""`,
			Env{BlockOffset: 5, BlockCount: 1, Redundant: true, RedundBlockOffset: 0, WritePrimary: true, WriteSecondary: true}, ""},
		{"block-offset = 16 block-count = 4294967297", Env{}, "invalid u-boot environment block count"},
		{"block-offset = 16 block-count = 0", Env{}, "block-count must be specified, greater than 0 and less than 2^16 - 1"},
	} {
		e, err := FromConfig(parseEnv(t, tc.body))
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: got %v, want %s", tc.body, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.body, err)
			continue
		}
		if e.BlockOffset != tc.want.BlockOffset || e.BlockCount != tc.want.BlockCount ||
			e.Redundant != tc.want.Redundant || e.RedundBlockOffset != tc.want.RedundBlockOffset ||
			e.Flags != 0 || e.WritePrimary != tc.want.WritePrimary || e.WriteSecondary != tc.want.WriteSecondary ||
			len(e.vars) != 0 {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.body, *e, tc.want)
		}
	}
}
