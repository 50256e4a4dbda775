// Package archive reads and writes .fw files: ZIP archives laid out the way
// fwup's libarchive writer lays them out, and read strictly front to back,
// the way fwup reads them.
package archive
