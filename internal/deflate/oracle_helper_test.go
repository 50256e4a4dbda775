package deflate

import (
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

func oracleTool(t testing.TB, name string) string { return oracle.Tool(t, name) }
