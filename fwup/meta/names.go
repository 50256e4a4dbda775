package meta

// Archive entry names.
const (
	MetaConfName  = "meta.conf"
	SignatureName = "meta.conf.ed25519"
)

// EntryName maps a resource name to its archive path: data/NAME, or the
// name without its slash for a resource named "/...".
func EntryName(resource string) string {
	if len(resource) > 0 && resource[0] == '/' {
		return resource[1:]
	}
	return "data/" + resource
}

// ResourceName maps an archive path back to a resource name.
func ResourceName(entry string) string {
	if len(entry) > 5 && entry[:5] == "data/" {
		return entry[5:]
	}
	if entry == "data/" {
		return ""
	}
	return "/" + entry
}

// MaxConfSize bounds meta.conf, as fwup does when reading it.
const MaxConfSize = 50000
