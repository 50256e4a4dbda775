package upload_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/firmwright/firmwright/upload"
	"github.com/firmwright/firmwright/upload/uploadtest"
)

// client is Options for d with a new key it authorizes and host keys
// accepted.
func client(t *testing.T, d *uploadtest.Device) (upload.Options, *bytes.Buffer, *bytes.Buffer) {
	dir := t.TempDir()
	file, pub := uploadtest.KeyFile(t, dir, "")
	d.Set(func() { d.Key = pub })
	var out, errb bytes.Buffer
	return upload.Options{Host: "127.0.0.1", Port: d.Port(), User: "root",
		HostKeys:       upload.HostKeys{File: filepath.Join(dir, "known_hosts"), AcceptNew: true},
		Auth:           upload.Auth{Identities: []string{file}},
		ConnectTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second,
		Stdout: &out, Stderr: &errb}, &out, &errb
}
