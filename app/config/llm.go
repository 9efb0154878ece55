package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kente-gov/kente/adapters/llm"
)

// loadLLM reads the KENTE_LLM_* variables into c and returns one error per
// bad variable, each prefixed by its name. KENTE_LLM_MODEL_MAP is either
// the compact form ("id=upstream[|window],…") or the path of a JSON file
// (a value ending in ".json").
func loadLLM(getenv Getenv, c *llm.Config) []error {
	var errs []error
	get := func(key string) (string, bool) {
		v, ok := getenv(key)
		v = strings.TrimSpace(v)
		return v, ok && v != ""
	}
	if v, ok := get("KENTE_LLM_PROVIDER"); ok {
		c.Provider = strings.ToLower(v)
	}
	if v, ok := get("KENTE_LLM_BASE_URL"); ok {
		c.BaseURL = v
	}
	if v, ok := get("KENTE_LLM_API_KEY"); ok {
		c.APIKey = v
	}
	if v, ok := get("KENTE_LLM_TIMEOUT"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, errors.New("KENTE_LLM_TIMEOUT: must be a duration like 60s"))
		} else {
			c.Timeout = d
		}
	}
	if v, ok := get("KENTE_LLM_MODEL_MAP"); ok {
		var m map[string]llm.Route
		var err error
		if strings.HasSuffix(strings.ToLower(v), ".json") {
			var b []byte
			if b, err = os.ReadFile(v); err == nil {
				m, err = llm.ParseModelMapJSON(b)
			}
		} else {
			m, err = llm.ParseModelMap(v)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("KENTE_LLM_MODEL_MAP: %w", err))
		} else {
			c.ModelMap = m
		}
	}
	return errs
}
