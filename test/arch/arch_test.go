// Package arch enforces the dependency rule of ARCHITECTURE.md with
// `go list`, so a forbidden import fails the build of the test suite rather
// than a code review.
package arch

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const mod = "github.com/kente-gov/kente"

type pkg struct {
	path    string
	imports []string
	deps    []string
	dir     string
	files   []string
}

func list(t *testing.T, pattern string) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-tags", "nomsgpack", "-f",
		`{{.ImportPath}}|{{join .Imports " "}}|{{join .Deps " "}}|{{.Dir}}|{{join .GoFiles " "}}`, pattern)
	cmd.Dir = root(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var pkgs []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		require.Len(t, f, 5)
		pkgs = append(pkgs, pkg{path: f[0], imports: strings.Fields(f[1]), deps: strings.Fields(f[2]), dir: f[3], files: strings.Fields(f[4])})
	}
	require.NotEmpty(t, pkgs, "no packages match %s", pattern)
	return pkgs
}

func root(t *testing.T) string {
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func stdlib(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// frameworks may appear only in adapters and the composition root.
var frameworks = []string{"github.com/gin-gonic/", "github.com/uptrace/bun", "go.uber.org/fx", "go.uber.org/dig"}

func hasPrefixAny(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func TestCoreImportsOnlyStdlibAndXCrypto(t *testing.T) {
	forbiddenStd := map[string]bool{"database/sql": true, "net/http": true, "os": true, "os/exec": true, "net": true, "io/ioutil": true, "syscall": true}
	for _, p := range list(t, "./core/...") {
		for _, imp := range p.imports {
			switch {
			case strings.HasPrefix(imp, mod+"/core/"):
			case strings.HasPrefix(imp, "golang.org/x/crypto/"):
			case stdlib(imp) && !forbiddenStd[imp]:
			default:
				t.Errorf("%s imports %s: core may import only the standard library (no I/O packages) and golang.org/x/crypto", p.path, imp)
			}
		}
		for _, d := range p.deps {
			if hasPrefixAny(d, frameworks...) || hasPrefixAny(d, mod+"/ports", mod+"/app", mod+"/adapters") || d == "database/sql" || d == "net/http" {
				t.Errorf("%s depends on %s", p.path, d)
			}
		}
	}
}

var clockRead = regexp.MustCompile(`\btime\.(Now|Since|Until)\(`)

func TestCoreReadsNoClock(t *testing.T) {
	for _, p := range list(t, "./core/...") {
		for _, f := range p.files {
			b, err := os.ReadFile(filepath.Join(p.dir, f))
			require.NoError(t, err)
			if loc := clockRead.FindIndex(b); loc != nil {
				t.Errorf("%s/%s reads the clock (%s): pass now in instead", p.path, f, b[loc[0]:loc[1]])
			}
		}
	}
}

func TestPortsImportNoAppOrAdapters(t *testing.T) {
	for _, p := range list(t, "./ports/...") {
		for _, d := range p.deps {
			if hasPrefixAny(d, mod+"/app", mod+"/adapters") || hasPrefixAny(d, frameworks...) {
				t.Errorf("%s depends on %s: ports may import only core", p.path, d)
			}
		}
	}
}

func TestServicesImportNoAdaptersOrFrameworks(t *testing.T) {
	for _, p := range list(t, "./app/...") {
		if hasPrefixAny(p.path, mod+"/app/server", mod+"/app/config", mod+"/app/cmd") {
			continue // the composition root
		}
		if !strings.HasSuffix(p.path, "svc") {
			t.Errorf("%s: app holds only services (app/<context>svc) and the composition root", p.path)
		}
		for _, d := range p.deps {
			if hasPrefixAny(d, mod+"/adapters", mod+"/app/server", mod+"/app/config") || hasPrefixAny(d, frameworks...) {
				t.Errorf("%s depends on %s: services see only core and ports", p.path, d)
			}
		}
	}
}

func TestOutboundAdaptersImportNoApp(t *testing.T) {
	inbound := []string{mod + "/adapters/httpapi"}
	for _, p := range list(t, "./adapters/...") {
		if hasPrefixAny(p.path, inbound...) {
			continue
		}
		for _, d := range p.deps {
			if strings.HasPrefix(d, mod+"/app") {
				t.Errorf("%s depends on %s: outbound adapters never import app", p.path, d)
			}
		}
	}
}
