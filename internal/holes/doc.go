// Package holes names the lseek whences that find a sparse file's data
// and holes; their values differ between systems (Linux 3/4, macOS 4/3).
package holes
