package mmc

import (
	"path"
	"strings"
)

// Model is the card reader's vendor and model as sysfs reports them
// ("Generic STORAGE DEVICE"), for people choosing a card; "" when sysfs
// says nothing. fwup's own scanner does not show it.
func (s *System) Model(c Card) string {
	name := path.Base(c.Path)
	var parts []string
	for _, attr := range []string{"vendor", "model"} {
		if v, ok := s.readSysfs("/sys/block/"+name+"/device/"+attr, 64); ok {
			if v = strings.TrimSpace(v); v != "" {
				parts = append(parts, v)
			}
		}
	}
	return strings.Join(parts, " ")
}
