package apply

import (
	"math"
	"strings"
	"testing"
)

// TestBlockArgsBounded: a block offset or an offset and count whose
// byte offset would overflow is refused by name before the call runs.
func TestBlockArgsBounded(t *testing.T) {
	for _, c := range []struct {
		argv []string
		want string
	}{
		{[]string{"raw_write", "18446744073709551615"}, "raw_write: block 18446744073709551615 is past the end of any device"},
		{[]string{"raw_memset", "9007199254740990", "10", "0"}, "raw_memset: blocks 9007199254740990 to 9007199254740990+10"},
		{[]string{"trim", "-1", "1"}, "trim: block -1 is past"},
		{[]string{"fat_cp", "0", "a", "b", "99999999999999999999999"}, "fat_cp: block 99999999999999999999999"},
	} {
		_, err := validCall(OnInit|OnResource, c.argv)
		if c.argv[0] == "raw_write" {
			_, err = validCall(OnResource, c.argv)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.argv, err, c.want)
		}
	}
	if _, err := validCall(OnResource, []string{"raw_write", "9007199254740992"}); err != nil {
		t.Errorf("the largest block: %v", err)
	}
}

// TestResourceActionOutsideOnResource: an archive may put raw_write in
// on-init; apply refuses it with create's message instead of reading a
// resource that is not there.
func TestResourceActionOutsideOnResource(t *testing.T) {
	for _, name := range []string{"raw_write", "fat_write", "path_write", "pipe_write", "ubi_volume_write"} {
		a := LookupAction(name)
		argv := append([]string{name}, make([]string, a.MinArgs)...)
		if _, err := validCall(OnInit, argv); err == nil || err.Error() != name+" only usable in on-resource" {
			t.Errorf("%s in on-init: %v", name, err)
		}
	}
}

// TestCacheSizeBounded: block-cache-size-mb from the archive sets how
// many segments the cache may hold, but no more than the device has,
// and they are made only when written.
func TestCacheSizeBounded(t *testing.T) {
	for _, c := range []struct {
		opts CacheOptions
		want int
	}{
		{CacheOptions{}, 64},
		{CacheOptions{SizeMB: 2}, 16},
		{CacheOptions{SizeMB: math.MaxInt}, maxCacheMB * 8},
		{CacheOptions{SizeMB: 2147483647, End: 1 << 20}, 10},
		{CacheOptions{SizeMB: 100000, End: 1 << 20, SoftEnd: true}, 800000},
	} {
		if got := segmentCount(c.opts); got != c.want {
			t.Errorf("%+v: %d segments, want %d", c.opts, got, c.want)
		}
	}
	c := NewCache(&Memory{}, CacheOptions{SizeMB: 100000})
	if err := c.Stream(make([]byte, 5120), 0); err != nil {
		t.Fatal(err)
	}
	if len(c.segs) != 1 {
		t.Errorf("a 5 KiB write made %d segments", len(c.segs))
	}
	if _, err := c.ReadAt(make([]byte, 512), -131072); err == nil {
		t.Error("a read at a negative offset succeeded")
	}
}
