// Package reffwup is how tests compare firmwright with a real fwup built
// from source, without needing one: what real fwup did for each case (its
// output, exit status, the masked sha256 of the image it made) is
// recorded into a JSON file under testdata and replayed on every run, so
// CI checks fwup's own verdicts on every commit.
//
//   - With FIRMWRIGHT_REF_FWUP=/path/to/fwup and FIRMWRIGHT_RECORD=1,
//     Verdict runs real fwup and writes what it did into the recording.
//   - With FIRMWRIGHT_REF_FWUP alone, it runs real fwup as well and fails
//     when the recording no longer says what fwup does (the live
//     comparison).
//   - Otherwise it returns the recorded verdict; a case with none fails the
//     test (under CI and locally alike: the recording is in the repo).
//
// testdata/record-fwup re-records every case.
package reffwup
