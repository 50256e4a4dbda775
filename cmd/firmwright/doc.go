// Command firmwright builds Nerves-style firmware. It also speaks fwup's
// command line, as `firmwright fwup ...` or when invoked under the name fwup.
package main
