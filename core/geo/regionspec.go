package geo

import (
	"maps"
	"strings"

	"github.com/kente-gov/kente/core/fault"
)

// MergeRegionSpec applies a deployment's compact region-map setting to
// base (usually DefaultRegionEntries) and returns the new entries; base is
// not changed. spec is comma-separated KEY=Name pairs: a pair adds or
// replaces a key ("KAO=Kaolack"), an empty name removes one ("GN="). Keys
// are upper-cased. The result must make a valid RegionMap; errors are
// fault.Invalid naming "region_map".
func MergeRegionSpec(base map[string]string, spec string) (map[string]string, error) {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	for _, pair := range strings.Split(spec, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		k, name, ok := strings.Cut(pair, "=")
		key := strings.ToUpper(strings.TrimSpace(k))
		if !ok || key == "" {
			return nil, fault.Field("region_map", "geo.region_spec_invalid", "region map entries are KEY=Name pairs separated by commas: "+strings.TrimSpace(pair))
		}
		for old := range out {
			if strings.ToUpper(strings.TrimSpace(old)) == key {
				delete(out, old)
			}
		}
		if name = strings.TrimSpace(name); name != "" {
			out[key] = name
		}
	}
	if _, err := NewRegionMap(out); err != nil {
		return nil, err
	}
	return out, nil
}
