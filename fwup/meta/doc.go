// Package meta reads the front of an fwup archive — meta.conf and its
// signature — as fwup does, and holds what both ends of the format share
// about it: the resources' sparse maps, archive entry names, the meta-uuid
// and nickname, and the fwup version firmwright speaks. fwup/apply reads
// archives through it without depending on create.
package meta
