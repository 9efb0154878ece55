package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), filepath.Join(t.TempDir(), "nofx.db"), &out))
	assert.Regexp(t, `registered nofx-\d+@example.gov.gh \(usr_[0-9a-f]{16}\) with access code OZZY-[A-Z2-9]{4}-[A-Z2-9]{4}\n`, out.String())
	assert.Contains(t, out.String(), "signed in as Ama Nofx, tier free, role user")
	assert.Contains(t, out.String(), "audit log: 2 records, chain intact: true", "register and login are audited")
}
