//go:build !linux

package mmc

func hostStat(string) (DeviceIDs, error) { return DeviceIDs{}, ErrUnsupported }
func hostUmount(string) error            { return ErrUnsupported }
func hostExecUmount(string) error        { return ErrUnsupported }
