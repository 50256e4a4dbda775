package mmc

// OpenIdentified opens path as Open does, but only while it still stands
// for the medium want (taken when the user chose it): it is compared just
// before the open and, by the opened file's device number, just after, so
// neither a card swapped while the user was asked nor a node replaced
// between the check and the open is written. A mismatch is a
// *ChangedError naming the device and what changed.
func (s *System) OpenIdentified(path string, want Identity) (*Device, error) {
	if err := s.checkIdentity(path, want); err != nil {
		return nil, err
	}
	d, err := Open(s.path(path))
	if err != nil {
		return nil, err
	}
	if s.usesHostStat() {
		if rdev, ok := d.rdev(); ok && rdev != want.Rdev {
			d.Close()
			return nil, &ChangedError{Path: path, What: "device number was " + majMin(want.Rdev) + ", now " + majMin(rdev)}
		}
	}
	d.path = path
	return d, nil
}
