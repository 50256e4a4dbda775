// Package cstr reads numbers the way the C library calls fwup relies on
// read them (glibc strtoull/strtoul with base 0 on a 64-bit system), so
// that firmwright accepts and rejects exactly the values fwup does.
package cstr
