package server

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx/fxtest"

	"github.com/kente-gov/kente/ports"
)

// slowReindexer blocks in ReindexBlockingKeys until its context ends.
type slowReindexer struct {
	ports.MPIRecordStore
	started chan struct{}
	err     chan error
}

func (s *slowReindexer) ReindexBlockingKeys(ctx context.Context) (int, error) {
	close(s.started)
	<-ctx.Done()
	s.err <- ctx.Err()
	return 0, ctx.Err()
}

func TestMPIKeysReindexInBackgroundAndStopWithTheServer(t *testing.T) {
	r := &slowReindexer{started: make(chan struct{}), err: make(chan error, 1)}
	lc := fxtest.NewLifecycle(t)
	reindexMPIKeysAtStart(lc, r, slog.New(slog.DiscardHandler))
	require.NoError(t, lc.Start(context.Background()), "start does not wait for the re-index")
	<-r.started
	require.NoError(t, lc.Stop(context.Background()))
	assert.True(t, errors.Is(<-r.err, context.Canceled), "stopping cancels it")
}
