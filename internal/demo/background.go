package demo

import (
	"context"
	"database/sql"
	"errors"

	"filiere/internal/db"
	"filiere/internal/directory"
)

// indexJob runs directory.IndexOrganisations (or other work) on its own
// goroutine through a write-behind querier: each statement the indexing executes is queued, and
// the goroutine that owns the transaction runs the queue (flush).
// Computing the search documents, most of the indexing's work, thus
// overlaps the transaction's other writes, while the transaction is only
// ever used by one goroutine at a time.
type indexJob struct {
	queue  chan queued
	cancel context.CancelFunc
	err    error // IndexOrganisations' own error, set before queue is closed
}

// queued is a statement waiting for the transaction: an Exec, or a read
// asking for the transaction until the job queues its next statement.
type queued struct {
	query string
	args  []any
	grant chan struct{} // set for reads
}

// queueLength bounds the statements waiting: enough for the documents of a
// whole chunk to be computed ahead.
const queueLength = 64

// startIndexing starts indexing orgs, stored through tx.
func startIndexing(ctx context.Context, tx *db.Tx, orgs []directory.Organisation) *indexJob {
	return startJob(ctx, tx, func(ctx context.Context, q db.Querier) error {
		return directory.IndexOrganisations(ctx, q, orgs)
	})
}

// startJob runs work on its own goroutine with a write-behind querier on tx.
func startJob(ctx context.Context, tx *db.Tx, work func(context.Context, db.Querier) error) *indexJob {
	ctx, cancel := context.WithCancel(ctx)
	j := &indexJob{queue: make(chan queued, queueLength), cancel: cancel}
	go func() {
		j.err = work(ctx, writeBehind{ctx: ctx, job: j, tx: tx})
		close(j.queue)
	}()
	return j
}

// flush runs the job's statements on tx as they come, until the job ends,
// and returns the first error. A nil job has nothing to flush.
func (j *indexJob) flush(ctx context.Context, tx *db.Tx) error {
	if j == nil {
		return nil
	}
	var failed error
	for q := range j.queue {
		switch {
		case q.grant != nil:
			close(q.grant) // the job has tx to itself until it queues again
		case failed == nil:
			if _, err := tx.Exec(ctx, q.query, q.args...); err != nil {
				failed = err
				j.cancel() // stop computing documents no one will write
			}
		}
	}
	j.cancel()
	if failed != nil {
		return failed
	}
	return j.err
}

// wait stops the job and waits for its goroutine to end, running none of
// its statements. A nil job is done.
func (j *indexJob) wait() {
	if j == nil {
		return
	}
	j.cancel()
	for range j.queue {
	}
}

// writeBehind is the db.Querier the job indexes through.
type writeBehind struct {
	ctx context.Context // the job's
	job *indexJob
	tx  *db.Tx // used for reads only, once flush grants it
}

// errNotRun is what the result of a queued statement says.
var errNotRun = errors.New("demo: the statement is queued, not run yet")

// Exec queues the statement and returns at once; flush reports its
// outcome.
func (w writeBehind) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	select {
	case w.job.queue <- queued{query: query, args: args}:
		return queuedResult{}, nil
	case <-w.ctx.Done():
		return nil, w.ctx.Err()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// acquire waits until flush hands the transaction over: it has run every
// statement queued before.
func (w writeBehind) acquire(ctx context.Context) error {
	grant := make(chan struct{})
	select {
	case w.job.queue <- queued{grant: grant}:
	case <-w.ctx.Done():
		return w.ctx.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-grant:
		return nil
	case <-w.ctx.Done():
		return w.ctx.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Query runs once the statements queued before it have run. The rows must
// be closed before the next statement.
func (w writeBehind) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := w.acquire(ctx); err != nil {
		return nil, err
	}
	return w.tx.Query(ctx, query, args...)
}

// QueryRow runs once the statements queued before it have run.
func (w writeBehind) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if err := w.acquire(ctx); err != nil {
		// A transaction refuses a done context before touching its
		// connection: the row carries the context's error.
		done, cancel := context.WithCancel(context.Background())
		cancel()
		return w.tx.QueryRow(done, query, args...)
	}
	return w.tx.QueryRow(ctx, query, args...)
}

// Dialect is the transaction's.
func (w writeBehind) Dialect() db.Dialect { return w.tx.Dialect() }

// queuedResult is the result of a statement not run yet.
type queuedResult struct{}

func (queuedResult) LastInsertId() (int64, error) { return 0, errNotRun }
func (queuedResult) RowsAffected() (int64, error) { return 0, errNotRun }
