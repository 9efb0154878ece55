package job_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/kente-gov/kente/core/job"
)

func TestBackoff(t *testing.T) {
	assert.Equal(t, 2*time.Second, job.Backoff(0))
	assert.Equal(t, 2*time.Second, job.Backoff(1))
	assert.Equal(t, 8*time.Second, job.Backoff(3))
	assert.Equal(t, time.Hour, job.Backoff(12))
	assert.Equal(t, time.Hour, job.Backoff(1000))
	for i := 1; i < 30; i++ {
		assert.LessOrEqual(t, job.Backoff(i), job.Backoff(i+1))
	}
}

func TestValidate(t *testing.T) {
	assert.NoError(t, job.Validate("campaign.generate", []byte(`{}`), job.Options{}))
	assert.Error(t, job.Validate("", nil, job.Options{}))
	assert.Error(t, job.Validate(strings.Repeat("k", 65), nil, job.Options{}))
	assert.Error(t, job.Validate("k", make([]byte, 1<<20+1), job.Options{}))
	assert.Error(t, job.Validate("k", nil, job.Options{MaxAttempts: -1}))
}

func TestTerminal(t *testing.T) {
	assert.False(t, job.Available.Terminal())
	assert.False(t, job.Running.Terminal())
	assert.True(t, job.Completed.Terminal())
	assert.True(t, job.Failed.Terminal())
	assert.True(t, job.Cancelled.Terminal())
}
