package ctxio

import (
	"context"
	"io"
)

// Reader is r, failing once ctx is done.
func Reader(ctx context.Context, r io.Reader) io.Reader {
	if ctx.Done() == nil {
		return r // never done
	}
	return &reader{ctx, r}
}

// Writer is w, failing once ctx is done.
func Writer(ctx context.Context, w io.Writer) io.Writer {
	if ctx.Done() == nil {
		return w
	}
	return &writer{ctx, w}
}

// WriterAt is w, failing once ctx is done.
func WriterAt(ctx context.Context, w io.WriterAt) io.WriterAt {
	if ctx.Done() == nil {
		return w
	}
	return &writerAt{ctx, w}
}

type reader struct {
	ctx context.Context
	r   io.Reader
}

func (r *reader) Read(p []byte) (int, error) {
	if r.ctx.Err() != nil {
		return 0, context.Cause(r.ctx)
	}
	return r.r.Read(p)
}

type writer struct {
	ctx context.Context
	w   io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	if w.ctx.Err() != nil {
		return 0, context.Cause(w.ctx)
	}
	return w.w.Write(p)
}

type writerAt struct {
	ctx context.Context
	w   io.WriterAt
}

func (w *writerAt) WriteAt(p []byte, off int64) (int, error) {
	if w.ctx.Err() != nil {
		return 0, context.Cause(w.ctx)
	}
	return w.w.WriteAt(p, off)
}
