package suggest

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"build", "burn", "qemu", "image", "info", "patch"}
	for given, want := range map[string]string{
		"bulid": "build", // a transposition
		"imge":  "image", // a letter left out
		"bur":   "burn",  // a prefix
		"qmeu":  "qemu",
		"xyzzy": "",
		"in":    "info", // within two edits
	} {
		if got := Closest(given, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", given, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"bulid", "build", 1}, {"ab", "ba", 1}} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
