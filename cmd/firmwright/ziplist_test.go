package main

import (
	"archive/zip"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// checkZipListing compares an archive's entries, in order, with an
// `unzip -lv` listing of fwup's: names, methods, sizes, CRCs and dates.
// Compressed sizes differ (another deflate), so they are not compared.
func checkZipListing(t *testing.T, fw, listing string) {
	t.Helper()
	zr, err := zip.OpenReader(fw)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var want []string
	for _, l := range strings.Split(mustRead(t, listing), "\n") {
		f := strings.Fields(l)
		if len(f) == 8 && (f[1] == "Stored" || f[1] == "Defl:N") {
			want = append(want, strings.Join([]string{f[0], f[1], f[4], f[5], f[6], f[7]}, " "))
		}
	}
	var got []string
	for _, f := range zr.File {
		method := "Stored"
		if f.Method == zip.Deflate {
			method = "Defl:N"
		}
		got = append(got, strings.Join([]string{strconv.FormatUint(f.UncompressedSize64, 10), method,
			f.Modified.UTC().Format("2006-01-02"), f.Modified.UTC().Format("15:04"),
			fmt.Sprintf("%08x", f.CRC32), f.Name}, " "))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s entries:\n%s\nwant (%s):\n%s", fw, strings.Join(got, "\n"), listing, strings.Join(want, "\n"))
	}
}
