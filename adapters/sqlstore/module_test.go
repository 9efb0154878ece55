package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports"
)

func TestModule(t *testing.T) {
	cfg := sqlstore.Config{URL: sqltest.URL(t, sqlstore.SQLite), AutoMigrate: true}
	require.NoError(t, fx.ValidateApp(sqlstore.Module, fx.Supply(cfg), fx.NopLogger,
		fx.Invoke(func(ports.UserStore, ports.SessionStore, ports.Tx, ports.Pinger) {})))

	var (
		users  ports.UserStore
		pinger ports.Pinger
	)
	app := fxtest.New(t, sqlstore.Module, fx.Supply(cfg), fx.NopLogger, fx.Populate(&users, &pinger))
	app.RequireStart()
	require.NoError(t, pinger.Ping(context.Background()))
	require.NoError(t, users.CreateUser(context.Background(), testUser("usr_fx")), "AutoMigrate must have created the tables")
	app.RequireStop()
	assert.Error(t, pinger.Ping(context.Background()), "OnStop closes the database")
}

func TestConfigValidate(t *testing.T) {
	assert.Error(t, sqlstore.Config{}.Validate())
	assert.Error(t, sqlstore.Config{URL: "sqlite://:memory:"}.Validate())
	assert.NoError(t, sqlstore.Config{URL: "sqlite://kente.db"}.Validate())
}
