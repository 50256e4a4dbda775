// Package keys reads, writes and uses fwup's Ed25519 signing keys.
//
// fwup signs the exact bytes of meta.conf with Ed25519. Its key files hold
// standard, padded Base64 without a trailing newline: the 32-byte public
// key, and the 64-byte seed‖public private key (Go's ed25519.PrivateKey
// layout). Keys given on the command line may also be raw bytes or
// unpadded Base64, and files may end in a newline.
package keys
