package meta

import (
	_ "embed"
	"fmt"
	"strings"

	"golang.org/x/crypto/blake2b"
)

// uuidNamespace is the 16 bytes fwup hashes in front of meta.conf.
var uuidNamespace = []byte{0x20, 0x53, 0xdf, 0xfb, 0xd5, 0x1e, 0x43, 0x10, 0xb9, 0x3b, 0x95, 0x6d, 0xa8, 0x9f, 0x9f, 0x34}

// UUID is the archive's meta-uuid: a name-based UUID from BLAKE2b-256 of
// the namespace and the exact meta.conf bytes, with the version nibble set
// to 5 and the variant bits left as hashed (as fwup does).
func UUID(meta []byte) string {
	h, _ := blake2b.New256(nil)
	h.Write(uuidNamespace)
	h.Write(meta)
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

//go:embed nickname-words.txt
var nicknameData string

// nicknameWords is fwup's 256-word list (see nickname-words.txt).
var nicknameWords = parseWords(nicknameData)

func parseWords(data string) []string {
	var words []string
	for _, l := range strings.Split(data, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			words = append(words, l)
		}
	}
	if len(words) != 256 {
		panic(fmt.Sprintf("nickname-words.txt has %d words, want 256", len(words)))
	}
	return words
}

// Nickname is the archive's meta-nickname: two words picked by the UUID's
// first two bytes.
func Nickname(uuid string) string {
	var b0, b1 byte
	fmt.Sscanf(uuid[:4], "%02x%02x", &b0, &b1)
	return nicknameWords[b0] + "-" + nicknameWords[b1]
}
