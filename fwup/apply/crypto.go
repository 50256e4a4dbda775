package apply

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/xts"
)

// diskCipher encrypts 512-byte sectors the way dm-crypt's "plain" and
// "plain64" IV modes do, so that raw_write can fill an encrypted volume.
// Sector numbers count from the start of the write (fwup's base offset).
type diskCipher struct {
	base             int64
	encrypt, decrypt func(dst, src []byte, sector uint64)
}

// Limits of fwup's option parsing: longer values are cut.
const (
	maxCipherLen = 32
	maxSecretLen = 128
)

// newDiskCipher parses raw_write's options ("cipher=…", "secret=…", or
// both in one argument separated by a comma) as fwup's disk_crypto_init.
func newDiskCipher(base int64, args []string) (*diskCipher, error) {
	var cipherName, secret string
	for _, arg := range args {
		key := arg
		for {
			eq := strings.IndexByte(key, '=')
			if eq < 0 {
				return nil, fmt.Errorf("Expecting '=' for in parameter '%s'", key)
			}
			value, next, more := strings.Cut(key[eq+1:], ",")
			switch {
			case strings.HasPrefix(key, "cipher="):
				cipherName = value[:min(len(value), maxCipherLen)]
			case strings.HasPrefix(key, "secret="):
				secret = value[:min(len(value), maxSecretLen)]
			default:
				return nil, fmt.Errorf("Unexpected parameter: %s", key)
			}
			if !more {
				break
			}
			key = next
		}
	}
	if (cipherName != "") != (secret != "") {
		return nil, errors.New("Both a cipher and secret are required if one is supplied")
	}
	dc := &diskCipher{base: base}
	switch cipherName {
	case "aes-cbc-plain":
		key, err := hex.DecodeString(secret)
		if err != nil || len(key) != 32 {
			// fwup 1.5 took Base64 keys for this cipher; they still work.
			key, err = base64.StdEncoding.DecodeString(secret)
			if err != nil || len(key) != 32 {
				return nil, errors.New("aes-cbc-plain requires a hex-encoded 256-bit key")
			}
		}
		block, _ := aes.NewCipher(key)
		iv := func(sector uint64) []byte {
			var iv [aes.BlockSize]byte
			binary.LittleEndian.PutUint32(iv[:], uint32(sector))
			return iv[:]
		}
		dc.encrypt = func(dst, src []byte, sector uint64) { cipher.NewCBCEncrypter(block, iv(sector)).CryptBlocks(dst, src) }
		dc.decrypt = func(dst, src []byte, sector uint64) { cipher.NewCBCDecrypter(block, iv(sector)).CryptBlocks(dst, src) }
	case "aes-xts-plain64":
		key, err := hex.DecodeString(secret)
		if err != nil || len(key) != 64 {
			return nil, errors.New("aes-xts-plain64 requires a hex-encoded 512-bit key")
		}
		c, err := xts.NewCipher(aes.NewCipher, key)
		if err != nil {
			return nil, errors.New("aes-xts-plain64 requires a hex-encoded 512-bit key")
		}
		dc.encrypt = func(dst, src []byte, sector uint64) { c.Encrypt(dst, src, sector) }
		dc.decrypt = func(dst, src []byte, sector uint64) { c.Decrypt(dst, src, sector) }
	default:
		return nil, fmt.Errorf("Unsupported disk encryption: %s", cipherName)
	}
	return dc, nil
}

// seal returns p (whole sectors destined for offset off) encrypted.
func (dc *diskCipher) seal(p []byte, off int64) []byte {
	out := make([]byte, len(p))
	sector := uint64((off - dc.base) / BlockSize)
	for i := 0; i+BlockSize <= len(p); i += BlockSize {
		dc.encrypt(out[i:i+BlockSize], p[i:i+BlockSize], sector)
		sector++
	}
	return out
}

// open decrypts whole sectors read from offset off, in place.
func (dc *diskCipher) open(p []byte, off int64) {
	sector := uint64((off - dc.base) / BlockSize)
	var sec [BlockSize]byte
	for i := 0; i+BlockSize <= len(p); i += BlockSize {
		dc.decrypt(sec[:], p[i:i+BlockSize], sector)
		copy(p[i:], sec[:])
		sector++
	}
}
