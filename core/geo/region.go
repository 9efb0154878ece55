package geo

import (
	"strings"

	"github.com/kente-gov/kente/core/fault"
)

// Unknown is the region of a campaign whose code and prefix match nothing.
const Unknown = "Unknown"

// RegionMap maps region keys (upper-case tokens such as "DKR") to region
// names. A deployment configures its own; DefaultRegionMap seeds it.
type RegionMap struct {
	names map[string]string
}

// DefaultRegionEntries returns the documented PREFIX_REGION_MAP of §5.2 plus
// THI (the MPI region code) and THS (the examples' prefix) for Thiès (§15.9).
// The map is fresh on each call.
func DefaultRegionEntries() map[string]string {
	return map[string]string{
		"DKR": "Dakar", "SN": "Dakar",
		"THIS": "Thiès", "TH": "Thiès", "THI": "Thiès", "THS": "Thiès",
		"ZIG": "Ziguinchor",
		"DIO": "Diourbel",
		"SL":  "Saint-Louis",
		"MAT": "Matam",
		"LOU": "Louga",
		"KED": "Kédougou",
		"GN":  "Conakry",
		"ML":  "Bamako",
	}
}

// DefaultRegionMap returns the map of DefaultRegionEntries.
func DefaultRegionMap() RegionMap {
	m, _ := NewRegionMap(DefaultRegionEntries()) // the entries are valid
	return m
}

// NewRegionMap validates a deployment's entries: keys of 1–16 letters or
// digits (any case, stored upper-case, no hyphen), names of 1–100 characters.
// Invalid entries are fault.Invalid naming field "region_map".
func NewRegionMap(entries map[string]string) (RegionMap, error) {
	m := RegionMap{names: make(map[string]string, len(entries))}
	for k, name := range entries {
		key := strings.ToUpper(strings.TrimSpace(k))
		name = strings.TrimSpace(name)
		if key == "" || len(key) > 16 || !alnum(key) {
			return RegionMap{}, fault.Field("region_map", "geo.region_key_invalid", "region keys must be 1–16 letters or digits: "+k)
		}
		if name == "" || len([]rune(name)) > 100 {
			return RegionMap{}, fault.Field("region_map", "geo.region_name_invalid", "region names must be 1–100 characters (key "+key+")")
		}
		if prev, dup := m.names[key]; dup && prev != name {
			return RegionMap{}, fault.Field("region_map", "geo.region_key_duplicate", "region key "+key+" is given twice")
		}
		m.names[key] = name
	}
	return m, nil
}

func alnum(s string) bool {
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// Lookup returns the name of an exact key (any case), and whether it exists.
func (m RegionMap) Lookup(key string) (string, bool) {
	name, ok := m.names[strings.ToUpper(strings.TrimSpace(key))]
	return name, ok
}

// FromPrefix applies the §15.9 rule: take the prefix's first hyphen-separated
// token, look for an exact key, then for the longest key the token starts
// with; Unknown when none matches. "DKR-2026-VAC-01" → Dakar; "THX-MILD" →
// Thiès (through TH); "KAO-VAC" → Unknown.
func (m RegionMap) FromPrefix(prefix string) string {
	token, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(prefix)), "-")
	if token == "" {
		return Unknown
	}
	if name, ok := m.names[token]; ok {
		return name
	}
	best, bestLen := Unknown, 0
	for k, name := range m.names {
		if len(k) > bestLen && strings.HasPrefix(token, k) {
			best, bestLen = name, len(k)
		}
	}
	return best
}

// Region returns a campaign's region: its explicit region code when set
// (the code's name when the map knows it, else the code itself, upper-case),
// else the region derived from its prefix.
func (m RegionMap) Region(regionCode, prefix string) string {
	if code := strings.TrimSpace(regionCode); code != "" {
		if name, ok := m.Lookup(code); ok {
			return name
		}
		return strings.ToUpper(code)
	}
	return m.FromPrefix(prefix)
}

// Normalize returns the region name for a stored region label (a distribution
// event's region): a known key becomes its name, anything else stays as is.
func (m RegionMap) Normalize(label string) string {
	label = strings.TrimSpace(label)
	if name, ok := m.Lookup(label); ok {
		return name
	}
	if label == "" {
		return Unknown
	}
	return label
}
