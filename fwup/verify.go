package fwup

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/meta"
)

// Verify reads a whole archive as fwup -V does: the signature when keys are
// given, then every resource's length and BLAKE2b-256 against meta.conf, no
// unknown or repeated entries, and none missing. It returns fwup's success
// message.
func Verify(r io.Reader, name string, pubs []ed25519.PublicKey, env map[string]string) (string, error) {
	zr := archive.NewReader(r)
	m, err := meta.ReadForApply(zr, name, pubs, env)
	if err != nil {
		return "", err
	}
	if err := apply.CheckRecordedCalls(m.Config); err != nil {
		return "", err
	}
	seen := map[string]bool{}
	for {
		h, err := zr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		res := meta.ResourceName(h.Name)
		if res == "" {
			continue
		}
		sec := m.Config.Find("file-resource", res)
		if sec == nil {
			return "", fmt.Errorf("Can't find file-resource for %s", res)
		}
		if seen[res] {
			return "", fmt.Errorf("Processing %s twice. Archive is corrupt.", res)
		}
		seen[res] = true
		if err := checkEntry(zr, h, sec); err != nil {
			return "", err
		}
	}
	for _, sec := range m.Config.Sections("file-resource") {
		if !seen[sec.Title] {
			return "", fmt.Errorf("Resource %s not found in archive", sec.Title)
		}
	}
	return m.VerifyMessage(), nil
}

func checkEntry(zr *archive.Reader, h *archive.Header, sec *conf.Section) error {
	name := sec.Title
	m := meta.MapOf(sec)
	want := m.DataSize()
	if h.SizeKnown && h.Size != want {
		if len(m) <= 1 {
			return checkPatchHeader(zr, name)
		}
		return fmt.Errorf("ZIP local header length mismatch for %s", name)
	}
	hc := newHashCheck(zr)
	n, err := io.Copy(io.Discard, hc)
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("ZIP data length mismatch for %s", name)
	}
	if hc.sum() != sec.String("blake2b-256") {
		return fmt.Errorf("Detected blake2b digest mismatch for %s", name)
	}
	return nil
}

// checkPatchHeader accepts a resource whose size differs from meta.conf's
// when it starts like an xdelta3 (VCDIFF) patch fwup can decode, as fwup -V
// does: only its header can be checked without the source. The messages
// are xdelta3's.
func checkPatchHeader(zr *archive.Reader, name string) error {
	head := make([]byte, 6)
	n, _ := io.ReadFull(zr, head)
	head = head[:n]
	if err := vcdiffHeaderError(head); err != nil {
		return errors.New("xdelta3 error: " + err.Error())
	}
	_, err := io.Copy(io.Discard, zr)
	return err
}

// vcdiffHeaderError checks the start of a VCDIFF file as xdelta3's decoder
// does; fwup's xdelta3 has no secondary compressors.
func vcdiffHeaderError(h []byte) error {
	const secondary, codeTable = 0x01, 0x02
	switch {
	case len(h) < 4 || h[0] != 0xd6 || h[1] != 0xc3 || h[2] != 0xc4:
		return errors.New("not a VCDIFF input")
	case h[3] != 0:
		return errors.New("VCDIFF input version > 0 is not supported")
	case len(h) < 5:
		return nil
	case h[4]&^0x07 != 0:
		return errors.New("unrecognized header indicator bits set")
	case h[4]&secondary != 0 && len(h) > 5:
		switch h[5] {
		case 16:
			return errors.New("unavailable secondary compressor: FGK Adaptive Huffman")
		case 1:
			return errors.New("unavailable secondary compressor: DJW Static Huffman")
		case 2:
			return errors.New("unavailable secondary compressor: LZMA")
		}
		return errors.New("unknown secondary compressor ID")
	case h[4]&codeTable != 0:
		return errors.New("VCD_CODETABLE support was removed")
	}
	return nil
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
