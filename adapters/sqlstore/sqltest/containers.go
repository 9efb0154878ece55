package sqltest

import (
	"context"
	"fmt"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcmysql "github.com/testcontainers/testcontainers-go/modules/mysql"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/kente-gov/kente/adapters/sqlstore"
)

// containerTimeout bounds pulling and starting a database container.
const containerTimeout = 3 * time.Minute

// startContainer starts a database server in Docker for the rest of the
// test process (testcontainers' reaper removes it when the process exits)
// and returns its admin URL.
func startContainer(d sqlstore.Dialect) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), containerTimeout)
	defer cancel()
	switch d {
	case sqlstore.Postgres:
		c, err := tcpostgres.Run(ctx, "postgres:15",
			tcpostgres.WithDatabase("test"),
			tcpostgres.WithUsername("postgres"),
			tcpostgres.WithPassword("kente"),
			tcpostgres.BasicWaitStrategies(),
		)
		if err != nil {
			return "", err
		}
		return c.ConnectionString(ctx, "sslmode=disable")
	case sqlstore.MySQL:
		c, err := tcmysql.Run(ctx, "mariadb:10.11",
			tcmysql.WithDatabase("test"),
			tcmysql.WithUsername("root"),
			tcmysql.WithPassword("kente"),
			// The module waits for MySQL's log line; MariaDB's differs. Its
			// first, temporary server listens on port 0, the real one on 3306.
			testcontainers.WithWaitStrategy(wait.ForLog("port: 3306").WithStartupTimeout(containerTimeout)),
		)
		if err != nil {
			return "", err
		}
		endpoint, err := c.PortEndpoint(ctx, "3306/tcp", "")
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("mysql://root:kente@%s/test", endpoint), nil
	}
	return "", fmt.Errorf("no container for dialect %s", d)
}
