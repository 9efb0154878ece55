package programme

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/fault"
)

// Password policy (§2): at least MinPasswordLen characters with a lower-case
// letter, an upper-case letter and a digit; at most MaxPasswordLen bytes so
// hashing cost stays bounded.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// CheckPassword reports a password the policy refuses as fault.Invalid on
// field. email, when not empty, may not appear in the password.
func CheckPassword(field, pw, email string) error {
	if len(pw) > MaxPasswordLen {
		return fault.Field(field, "programme.password_too_long", field+" must be at most 256 bytes")
	}
	if !utf8.ValidString(pw) || strings.IndexByte(pw, 0) >= 0 {
		return fault.Field(field, "programme.password_invalid", field+" must be valid UTF-8 text")
	}
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return fault.Field(field, "programme.password_weak", field+" must be at least 10 characters")
	}
	var lower, upper, digit bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		}
	}
	if !lower || !upper || !digit {
		return fault.Field(field, "programme.password_weak", field+" must contain a lower-case letter, an upper-case letter and a digit")
	}
	if local, _, ok := strings.Cut(email, "@"); ok && len(local) >= 4 && strings.Contains(strings.ToLower(pw), strings.ToLower(local)) {
		return fault.Field(field, "programme.password_weak", field+" must not contain your email address")
	}
	return nil
}

// NormaliseEmail lower-cases and checks an email: one address, no display
// name, a dotted domain, at most 254 characters.
func NormaliseEmail(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", fault.Field(field, "programme.email_required", field+" is required")
	}
	bad := fault.Field(field, "programme.email_invalid", field+" must be a valid email address")
	if len(s) > 254 || strings.ContainsAny(s, "<> \t\r\n\x00") {
		return "", bad
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", bad
	}
	_, domain, _ := strings.Cut(s, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", bad
	}
	return s, nil
}

// NormaliseName collapses spaces and checks a programme or user name: 2 to
// 200 characters, no angle brackets or control characters.
func NormaliseName(field, s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", fault.Field(field, "programme.name_required", field+" is required")
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) < 2 || utf8.RuneCountInString(s) > 200 {
		return "", fault.Field(field, "programme.name_invalid", field+" must be 2 to 200 characters")
	}
	for _, r := range s {
		if r == '<' || r == '>' || unicode.IsControl(r) {
			return "", fault.Field(field, "programme.name_invalid", field+" must not contain < > or control characters")
		}
	}
	return s, nil
}

// NormalisePhone checks an optional phone number: digits, spaces, dashes,
// dots, parentheses and a leading +, at most 32 characters.
func NormalisePhone(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > 32 {
		return "", fault.Field(field, "programme.phone_invalid", field+" must be at most 32 characters")
	}
	for i, r := range s {
		if (r >= '0' && r <= '9') || r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || (r == '+' && i == 0) {
			continue
		}
		return "", fault.Field(field, "programme.phone_invalid", field+" must be a phone number")
	}
	return s, nil
}

// NormaliseCountry upper-cases an ISO 3166-1 alpha-2 code and returns it with
// its currency. Only the African countries of the catalogue are accepted.
func NormaliseCountry(field, s string) (country, currency string, err error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", "", fault.Field(field, "programme.country_required", field+" is required")
	}
	cur, ok := currencies[s]
	if !ok {
		return "", "", fault.Field(field, "programme.country_unsupported", field+" must be an ISO 3166-1 alpha-2 code of a supported country, e.g. SN")
	}
	return s, cur, nil
}

// currencies is the country catalogue (§4.1): 40 African countries and
// their ISO 4217 currencies.
var currencies = map[string]string{
	// West African CFA franc (UEMOA).
	"SN": "XOF", "CI": "XOF", "ML": "XOF", "BF": "XOF", "NE": "XOF", "TG": "XOF", "BJ": "XOF", "GW": "XOF",
	// Central African CFA franc (CEMAC).
	"CM": "XAF", "GA": "XAF", "CG": "XAF", "TD": "XAF", "CF": "XAF", "GQ": "XAF",
	// Other West Africa.
	"NG": "NGN", "GH": "GHS", "GN": "GNF", "SL": "SLE", "LR": "LRD", "GM": "GMD", "MR": "MRU", "CV": "CVE",
	// East Africa.
	"KE": "KES", "TZ": "TZS", "UG": "UGX", "RW": "RWF", "BI": "BIF", "ET": "ETB", "DJ": "DJF",
	// Southern Africa.
	"ZA": "ZAR", "MZ": "MZN", "AO": "AOA", "ZM": "ZMW", "MW": "MWK", "MG": "MGA", "CD": "CDF",
	// North Africa.
	"MA": "MAD", "TN": "TND", "DZ": "DZD", "EG": "EGP",
}
