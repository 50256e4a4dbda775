package ubootenv

import (
	"testing"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// fixtures is the fwup reference set (testdata/fwup-ref, made by a real
// fwup with testdata/record-fwup).
const fixtures = "../../testdata/fwup-ref"

// parseEnv parses "uboot-environment x { BODY }".
func parseEnv(t *testing.T, body string) *conf.Section {
	t.Helper()
	return fwtest.Snippet(t, "uboot-environment", body)
}

// newEnv returns the environment of a valid section body.
func newEnv(t *testing.T, body string) *Env {
	t.Helper()
	e, err := FromConfig(parseEnv(t, body))
	if err != nil {
		t.Fatalf("%q: %v", body, err)
	}
	return e
}
