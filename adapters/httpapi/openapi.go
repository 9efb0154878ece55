package httpapi

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// openapiFS holds one OpenAPI 3.0.3 fragment per bounded context. A fragment
// may reference components defined in another (the shared error bodies live
// in system.yaml); only the merged document has to be complete.
//
//go:embed openapi/*.yaml
var openapiFS embed.FS

// OpenAPI returns the merged OpenAPI 3 document as JSON, validated.
func OpenAPI() ([]byte, error) {
	return buildOpenAPI("dev")
}

// buildOpenAPI merges the fragments' paths, tags and components into one
// document, loads it with kin-openapi to resolve every reference, and
// validates it. A path or a differing component defined twice is an error.
func buildOpenAPI(version string) ([]byte, error) {
	names, err := fs.Glob(openapiFS, "openapi/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	paths := map[string]any{}
	components := map[string]any{}
	var tags []any
	for _, name := range names {
		raw, err := openapiFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var frag map[string]any
		if err := yaml.Unmarshal(raw, &frag); err != nil {
			return nil, fmt.Errorf("openapi fragment %s: %w", name, err)
		}
		frag = stringKeys(frag).(map[string]any)
		fragPaths, _ := frag["paths"].(map[string]any)
		for p, item := range fragPaths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("openapi fragment %s: path %s is defined twice", name, p)
			}
			paths[p] = item
		}
		fragComponents, _ := frag["components"].(map[string]any)
		for section, v := range fragComponents {
			entries, _ := v.(map[string]any)
			merged, _ := components[section].(map[string]any)
			if merged == nil {
				merged = map[string]any{}
				components[section] = merged
			}
			for k, def := range entries {
				if old, dup := merged[k]; dup && !reflect.DeepEqual(old, def) {
					return nil, fmt.Errorf("openapi fragment %s: components.%s.%s differs from another fragment's", name, section, k)
				}
				merged[k] = def
			}
		}
		if t, ok := frag["tags"].([]any); ok {
			tags = append(tags, t...)
		}
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "Kente API",
			"version":     version,
			"description": "AskOzzy (/api) and Oomus (/api/v1) families served by one Kente binary.",
		},
		"paths":      paths,
		"components": components,
	}
	if len(tags) > 0 {
		doc["tags"] = tags
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode openapi: %w", err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load openapi: %w", err)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi: %w", err)
	}
	return data, nil
}

// stringKeys turns the map[any]any a YAML decoder makes for non-string keys
// (an unquoted 200) into map[string]any, recursively.
func stringKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = stringKeys(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = stringKeys(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = stringKeys(e)
		}
		return t
	}
	return v
}
