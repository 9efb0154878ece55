package config

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// DefaultSecretsFile is where dev secrets live when KENTE_SECRETS_FILE is
// unset: beside the SQLite file ("kente.db" → "kente.db.secrets"), else
// ./kente.secrets.
func (c Config) DefaultSecretsFile() string {
	if c.SecretsFile != "" {
		return c.SecretsFile
	}
	if p, err := SQLitePath(c.DatabaseURL); err == nil {
		return p + ".secrets"
	}
	return "kente.secrets"
}

// ResolveSecrets fills the secrets the environment left empty. In the dev
// profile each missing one is generated once into the 0600 secrets file and
// reused on later starts; in production a missing required secret is an
// error naming it. rand is crypto/rand.Reader outside tests.
func (c *Config) ResolveSecrets(rand io.Reader) error {
	var missing []secretSpec
	for _, s := range secretSpecs {
		if *s.field(&c.Secrets) == "" {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if c.Profile == ProfileProduction {
		var errs []error
		for _, s := range missing {
			if s.required {
				errs = append(errs, fmt.Errorf("%s: required in the production profile", s.env))
			}
		}
		return errors.Join(errs...)
	}

	path := c.DefaultSecretsFile()
	stored, err := readSecretsFile(path)
	if err != nil {
		return err
	}
	changed := false
	for _, s := range missing {
		v, ok := stored[s.env]
		if !ok {
			b := make([]byte, 32)
			if _, err := io.ReadFull(rand, b); err != nil {
				return fmt.Errorf("generate %s: %w", s.env, err)
			}
			v = base64.RawURLEncoding.EncodeToString(b)
			stored[s.env] = v
			changed = true
		}
		if len(v) < MinSecretLen {
			return fmt.Errorf("%s in %s: must be at least %d characters", s.env, path, MinSecretLen)
		}
		*s.field(&c.Secrets) = v
	}
	if changed {
		return writeSecretsFile(path, stored)
	}
	return nil
}

func readSecretsFile(path string) (map[string]string, error) {
	out := map[string]string{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read secrets file: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secrets file %s is readable by others (mode %v); chmod 600 it", path, st.Mode().Perm())
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("secrets file %s: line %q is not KEY=value", path, line)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, sc.Err()
}

func writeSecretsFile(path string, secrets map[string]string) error {
	var b strings.Builder
	b.WriteString("# Kente dev secrets, generated on first start. Keep private; do not commit.\n")
	for _, s := range secretSpecs {
		if v, ok := secrets[s.env]; ok {
			fmt.Fprintf(&b, "%s=%s\n", s.env, v)
		}
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create secrets dir: %w", err)
		}
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write secrets file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write secrets file: %w", err)
	}
	return nil
}
