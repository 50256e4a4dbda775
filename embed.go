package firmwright

import "embed"

// Files holds systems/<board>/… and configs/….
//
//go:embed configs systems/*/*
var Files embed.FS
