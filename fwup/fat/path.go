package fat

// followPath walks path from the root directory (fwup's FatFs has no
// current directory) and leaves dp on the last segment's entry: frOK when
// it exists, frNoFile when only the last segment is missing (dp then
// describes where to create it), frNoPath when a directory on the way is.
// An empty path names the root itself (nsNoName).
func (dp *dirObj) followPath(path []byte) result {
	fs := dp.fs
	for len(path) > 0 && isSeparator(path[0]) {
		path = path[1:]
	}
	dp.sclust = 0
	if byteAt(path, 0) < ' ' {
		dp.fn.status = nsNoName
		return dp.seek(0)
	}
	for {
		var r result
		if path, r = dp.createName(path); r != frOK {
			return r
		}
		r = dp.find()
		ns := dp.fn.status
		if r != frOK {
			if r == frNoFile && ns&nsLast == 0 {
				r = frNoPath
			}
			return r
		}
		if ns&nsLast != 0 {
			return frOK
		}
		if dp.attr&attrDir == 0 {
			return frNoPath
		}
		dp.sclust = fs.entryCluster(dp.entry())
	}
}
