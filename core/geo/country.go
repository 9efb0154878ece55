package geo

import "strings"

// countryNames are the English short names of the programme countries of
// the Oomus catalogue (ISO 3166-1 alpha-2, oomus-platform §4.1).
var countryNames = map[string]string{
	"SN": "Senegal", "CI": "Côte d'Ivoire", "ML": "Mali", "BF": "Burkina Faso", "NE": "Niger", "TG": "Togo", "BJ": "Benin",
	"GW": "Guinea-Bissau", "CM": "Cameroon", "GA": "Gabon", "CG": "Congo", "TD": "Chad", "CF": "Central African Republic",
	"GQ": "Equatorial Guinea", "NG": "Nigeria", "GH": "Ghana", "GN": "Guinea", "SL": "Sierra Leone", "LR": "Liberia",
	"GM": "Gambia", "MR": "Mauritania", "CV": "Cabo Verde", "KE": "Kenya", "TZ": "Tanzania", "UG": "Uganda", "RW": "Rwanda",
	"BI": "Burundi", "ET": "Ethiopia", "DJ": "Djibouti", "ZA": "South Africa", "MZ": "Mozambique", "AO": "Angola",
	"ZM": "Zambia", "MW": "Malawi", "MG": "Madagascar", "CD": "DR Congo", "MA": "Morocco", "TN": "Tunisia", "DZ": "Algeria",
	"EG": "Egypt",
}

// CountryName returns the English name of an ISO 3166-1 alpha-2 code
// ("SN" → "Senegal"), as the seed's `country` fields show it; an unknown
// code is returned upper-cased, and an empty one stays empty.
func CountryName(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if name, ok := countryNames[code]; ok {
		return name
	}
	return code
}
