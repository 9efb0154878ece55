package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBinary compiles app/cmd/kente once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kente")
	cmd := exec.Command("go", "build", "-tags", "nomsgpack", "-o", bin, "github.com/kente-gov/kente/app/cmd/kente")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func kenteEnv(dir string, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"KENTE_DATABASE_URL=sqlite://" + filepath.Join(dir, "kente.db"),
		"KENTE_HASH_MEMORY_KIB=64", "KENTE_HASH_TIME=1",
		"KENTE_LOG_FORMAT=text",
	}
	return append(env, extra...)
}

func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()

	run := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	t.Run("version", func(t *testing.T) {
		out, err := run(kenteEnv(dir), "version")
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(out, "kente "), out)
	})

	t.Run("bad config names each field", func(t *testing.T) {
		out, err := run(kenteEnv(dir, "KENTE_ADDR=nowhere", "KENTE_LOG_LEVEL=loud"), "serve")
		require.Error(t, err)
		assert.Contains(t, out, "KENTE_ADDR:")
		assert.Contains(t, out, "KENTE_LOG_LEVEL:")
	})

	t.Run("production refuses a missing secret", func(t *testing.T) {
		out, err := run(kenteEnv(dir, "KENTE_PROFILE=production", "KENTE_WEBAUTHN_RP_ID=askozzy.gov.gh", "KENTE_WEBAUTHN_ORIGINS=https://askozzy.gov.gh"), "serve")
		require.Error(t, err)
		assert.Contains(t, out, "KENTE_CODE_PEPPER")
	})

	t.Run("unknown command", func(t *testing.T) {
		out, err := run(kenteEnv(dir), "frobnicate")
		require.Error(t, err)
		assert.Contains(t, out, "unknown command")
	})

	t.Run("migrate", func(t *testing.T) {
		out, err := run(kenteEnv(dir), "migrate", "status")
		require.NoError(t, err, out)
		assert.Contains(t, out, "pending")
		out, err = run(kenteEnv(dir), "migrate", "up")
		require.NoError(t, err, out)
		assert.Contains(t, out, "applied")
		assert.NotContains(t, out, "pending")
		_, err = os.Stat(filepath.Join(dir, "kente.db.secrets"))
		assert.NoError(t, err, "dev secrets are generated beside the database")
	})

	t.Run("serve and shut down gracefully", func(t *testing.T) {
		addr := freeAddr(t)
		cmd := exec.Command(bin, "serve")
		cmd.Env = kenteEnv(dir, "KENTE_ADDR="+addr)
		cmd.Dir = dir
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		require.NoError(t, cmd.Start())
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		t.Cleanup(func() { _ = cmd.Process.Kill() })

		base := "http://" + addr
		require.Eventually(t, func() bool {
			res, err := http.Get(base + "/healthz")
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == 200
		}, 30*time.Second, 50*time.Millisecond, "server did not start: %s", &logs)

		// An in-flight request: the body arrives slowly, and SIGTERM lands
		// in the middle. The server must finish it before exiting.
		pr, pw := io.Pipe()
		req, err := http.NewRequest("POST", base+"/api/auth/register", pr)
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		type result struct {
			status int
			err    error
		}
		resCh := make(chan result, 1)
		go func() {
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				resCh <- result{err: err}
				return
			}
			res.Body.Close()
			resCh <- result{status: res.StatusCode}
		}()
		_, err = fmt.Fprint(pw, `{"email": "slow@gov.gh", `)
		require.NoError(t, err)
		time.Sleep(200 * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		time.Sleep(300 * time.Millisecond)
		_, err = fmt.Fprint(pw, `"fullName": "Slow Sender"}`)
		require.NoError(t, err)
		require.NoError(t, pw.Close())

		r := <-resCh
		require.NoError(t, r.err, "in-flight request was cut: %s", &logs)
		assert.Equal(t, http.StatusCreated, r.status)
		select {
		case err := <-done:
			assert.NoError(t, err, "exit after SIGTERM: %s", &logs)
		case <-time.After(20 * time.Second):
			t.Fatalf("server did not exit after SIGTERM: %s", &logs)
		}
		_, err = http.Get(base + "/healthz")
		assert.Error(t, err, "server still answering after shutdown")
	})
}
