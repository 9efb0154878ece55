package mpisvc_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/test/testkit"
)

func TestCardVerifyAndAdminVerify(t *testing.T) {
	ctx := context.Background()
	db := sqltest.Fresh(t, sqlstore.SQLite)
	clock := testkit.NewClock(time.Date(2026, 11, 23, 13, 3, 0, 0, time.UTC))
	store := sqlstore.NewMPIStore(db)
	rec := &testkit.AuditRecorder{}
	cfg := mpisvc.DefaultConfig()
	cfg.CardKey = []byte("card-key")
	svc := mpisvc.New(store, store, db, rec, nil, clock, rand.Reader, cfg)

	out, err := svc.Register(ctx, "prog_a", reg("Fatou", "Diallo"))
	require.NoError(t, err)
	id := out.Record.MPIID
	card, err := svc.Card(ctx, "prog_a", id)
	require.NoError(t, err)
	assert.Equal(t, mpisvc.CardValid, card.Status)
	assert.Equal(t, out.Record.CreatedAt, card.IssuedAt)
	_, err = svc.Card(ctx, "prog_b", id)
	assert.True(t, fault.Is(err, fault.NotFound), "another programme's record")

	clock.Add(time.Hour)
	check, err := svc.VerifyCard(ctx, card.Token)
	require.NoError(t, err)
	assert.Equal(t, mpisvc.CardCheck{Status: mpisvc.CardValid, VerifiedAt: clock.Now()}, check)
	_, err = svc.VerifyCard(ctx, "x"+card.Token)
	assert.True(t, fault.Is(err, fault.NotFound))

	// Another deployment's key cannot verify it.
	cfg.CardKey = []byte("other-key")
	other := mpisvc.New(store, store, db, rec, nil, clock, rand.Reader, cfg)
	_, err = other.VerifyCard(ctx, card.Token)
	assert.True(t, fault.Is(err, fault.NotFound))
	// No key: unavailable.
	cfg.CardKey = nil
	off := mpisvc.New(store, store, db, rec, nil, clock, rand.Reader, cfg)
	_, err = off.Card(ctx, "prog_a", id)
	assert.True(t, fault.Is(err, fault.Unavailable))
	_, err = off.VerifyCard(ctx, card.Token)
	assert.True(t, fault.Is(err, fault.Unavailable))

	// Admin verify.
	_, err = svc.AdminVerify(ctx, "prog_a", id, "", "", "pu_admin")
	fe, _ := fault.As(err)
	require.NotNil(t, fe)
	assert.Equal(t, "verification_method", fe.Field)
	r, err := svc.AdminVerify(ctx, "prog_a", id, "document_check", "passport", "pu_admin")
	require.NoError(t, err)
	assert.True(t, r.IsVerified)
	assert.Equal(t, "pu_admin", r.VerifiedBy)
	assert.Equal(t, "mpi.admin_verify", rec.Last().Action)
	assert.Equal(t, id, rec.Last().TargetID)
	_, err = svc.AdminVerify(ctx, "prog_b", id, "document_check", "", "pu_admin")
	assert.True(t, fault.Is(err, fault.NotFound))
}
