package apply

// Progress turns work done into the percentages fwup reports: units are
// counted for the whole task before it runs (mostly bytes), and a
// percentage is reported only when it grows. 100 is held back until
// everything is flushed.
type Progress struct {
	// Report receives each new percentage with the bytes read from the
	// archive and the units done so far, for the default progress bar.
	Report func(percent int, inputBytes, units, totalUnits int64)
	// Started, if set, is called at the first report of work once the
	// total is known: where fwup starts its elapsed-time clock.
	Started func()

	low, span   int
	last        int
	total, done int64
	inputBytes  int64
	started     bool
}

// NewProgress reports low at once, as fwup does when it starts; low and
// high are --progress-low and --progress-high.
func NewProgress(low, high int, report func(percent int, inputBytes, units, totalUnits int64)) *Progress {
	p := &Progress{Report: report, low: low, span: high - low, last: -1}
	p.output(low)
	return p
}

func (p *Progress) output(percent int) {
	if p == nil || percent <= p.last {
		return
	}
	p.last = percent
	if p.Report != nil {
		p.Report(percent, p.inputBytes, p.done, p.total)
	}
}

func (p *Progress) addTotal(units int64) {
	if p != nil {
		p.total += units
	}
}

func (p *Progress) addInput(n int64) {
	if p != nil {
		p.inputBytes += n
	}
}

// add records units of work done.
func (p *Progress) add(units int64) {
	if p == nil {
		return
	}
	if p.total > 0 && !p.started {
		p.started = true
		if p.Started != nil {
			p.Started()
		}
	}
	p.done = min(p.done+units, p.total)
	percent := p.low
	if p.total > 0 {
		amt := int(p.done * int64(p.span) / p.total)
		if amt >= p.span {
			amt = p.span - 1
		}
		percent += amt
	}
	p.output(percent)
}

// complete reports the end: high.
func (p *Progress) complete() {
	if p != nil {
		p.output(p.low + p.span)
	}
}
