package server

import (
	"context"
	"log/slog"
	"time"

	"go.uber.org/fx"

	"github.com/kente-gov/kente/ports"
)

// keyReindexer is the MPI store's re-derivation of stale blocking keys
// (sqlstore.MPIStore.ReindexBlockingKeys).
type keyReindexer interface {
	ReindexBlockingKeys(ctx context.Context) (int, error)
}

// reindexMPIKeysAtStart re-derives stale MPI blocking keys in the
// background once the server has started, so that after an upgrade that
// changed the key derivation the first match does not wait for a whole
// registry's re-index (the store would run it then otherwise). It is
// cancelled at shutdown; a store without the capability is left alone.
func reindexMPIKeysAtStart(lc fx.Lifecycle, records ports.MPIRecordStore, log *slog.Logger) {
	r, ok := records.(keyReindexer)
	if !ok {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() {
				defer close(done)
				start := time.Now()
				n, err := r.ReindexBlockingKeys(ctx)
				switch {
				case err != nil && ctx.Err() == nil:
					log.Error("re-index MPI blocking keys (the first match will try again)", "err", err)
				case n > 0:
					log.Info("MPI blocking keys re-indexed", "records", n, "duration", time.Since(start).Round(time.Millisecond))
				}
			}()
			return nil
		},
		OnStop: func(stop context.Context) error {
			cancel()
			select {
			case <-done:
			case <-stop.Done():
			}
			return nil
		},
	})
}
