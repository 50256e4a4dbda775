package mmc

import "path"

// Model is the card reader's vendor and model as sysfs reports them
// ("Generic STORAGE DEVICE"), for people choosing a card; "" when sysfs
// says nothing. fwup's own scanner does not show it.
func (s *System) Model(c Card) string {
	return readModel(s.path("/sys/block/" + path.Base(c.Path)))
}
