package fat

import (
	"errors"
	"fmt"
)

// result is FatFs's FRESULT: the outcome of one filesystem-level step.
// The package works with these internally, as FatFs does, and turns them
// into an *Error only where fwup's glue reports them.
type result uint8

const (
	frOK result = iota
	frDiskErr
	frIntErr
	frNotReady
	frNoFile
	frNoPath
	frInvalidName
	frDenied
	frExist
	frInvalidObject
	frWriteProtected
	frInvalidDrive
	frNotEnabled
	frNoFilesystem
	frMkfsAborted
	frTimeout
	frLocked
	frNotEnoughCore
	frTooManyOpenFiles
	frInvalidParameter
)

// resultText is fwup's fatfs_error_to_string.
var resultText = [...]string{
	frOK:               "Succeeded",
	frDiskErr:          "FATFS: A hard error occurred in the low level disk I/O layer",
	frIntErr:           "FATFS: Assertion failed (check for corruption)",
	frNotReady:         "FATFS: The physical drive cannot work",
	frNoFile:           "FATFS: Could not find the file",
	frNoPath:           "FATFS: Could not find the path",
	frInvalidName:      "FATFS: The path name format is invalid",
	frDenied:           "FATFS: Access denied due to prohibited access or directory full",
	frExist:            "FATFS: Destination file already exists",
	frInvalidObject:    "FATFS: The file/directory object is invalid",
	frWriteProtected:   "FATFS: The physical drive is write protected",
	frInvalidDrive:     "FATFS: The logical drive number is invalid",
	frNotEnabled:       "FATFS: The volume has no work area",
	frNoFilesystem:     "FATFS: There is no valid FAT volume",
	frMkfsAborted:      "FATFS: f_mkfs() aborted due to a parameter error. Try adjusting the partition size.",
	frTimeout:          "FATFS: Could not get a grant to access the volume within defined period",
	frLocked:           "FATFS: The operation is rejected according to the file sharing policy",
	frNotEnoughCore:    "FATFS: LFN working buffer could not be allocated",
	frTooManyOpenFiles: "FATFS: Number of open files > _FS_SHARE",
	frInvalidParameter: "FATFS: Invalid parameter",
}

func (r result) String() string {
	if int(r) < len(resultText) {
		return resultText[r]
	}
	return resultText[frInvalidParameter]
}

// Error is a failed FAT operation. Its text is exactly what fwup stores
// as its last error for the same failure, e.g.
// "fat_mkdir(boot/x): FATFS: Could not find the path".
type Error struct {
	// Op is fwup's context for the failing step, e.g. "fat_mkdir" or
	// "fat_write can't write"; empty for the few plain messages.
	Op string
	// Name is the file, directory or label the step was about.
	Name string
	// Err is the Device error behind a disk I/O failure, if any. It never
	// shows in the text: FatFs reports all of them alike.
	Err error

	code    result
	message string
	noSpace bool
}

// ErrNoSpace is what errors.Is finds in an operation that failed because
// the filesystem is too small for what goes on it: a write that filled
// it, or a format the partition is too small (or too large) for.
var ErrNoSpace = errors.New("fat: the filesystem is too small")

// ErrNoFilesystem is what errors.Is finds when a partition holds no FAT
// filesystem.
var ErrNoFilesystem = errors.New("fat: no FAT filesystem")

// Is reports ErrNoSpace and ErrNoFilesystem for the failures they stand for.
func (e *Error) Is(target error) bool {
	return target == ErrNoSpace && e.noSpace || target == ErrNoFilesystem && e.code == frNoFilesystem
}

// Error returns fwup's wording: "OP(NAME): FATFS: …", or a plain message.
func (e *Error) Error() string {
	if e.message != "" {
		return e.message
	}
	return fmt.Sprintf("%s(%s): %s", e.Op, e.Name, e.code)
}

// Unwrap returns the Device error behind a disk I/O failure, or nil.
func (e *Error) Unwrap() error { return e.Err }

// opError reports FatFs result r as fwup's glue does for op on name.
func (v *Volumes) opError(op, name string, r result) *Error {
	e := &Error{Op: op, Name: name, code: r, noSpace: r == frMkfsAborted}
	if r == frDiskErr {
		e.Err = v.lastIOErr
	}
	return e
}

// messageError is one of the glue's own messages.
func messageError(format string, args ...any) *Error {
	return &Error{message: fmt.Sprintf(format, args...)}
}
