package programme

import (
	"bytes"
	"encoding/base64"

	"github.com/kente-gov/kente/core/fault"
)

// MaxLogoBytes bounds an uploaded logo (§2: 512 KB).
const MaxLogoBytes = 512 << 10

// LogoDataURI checks an uploaded image by its magic bytes (PNG, JPEG or
// WEBP; the declared type is not trusted) and size, and returns it as the
// data URI stored in logo_url. An unknown type is fault.Invalid on field
// "file"; a file over MaxLogoBytes fault.TooLarge.
func LogoDataURI(data []byte) (string, error) {
	if len(data) > MaxLogoBytes {
		return "", &fault.Error{Kind: fault.TooLarge, Code: "programme.logo_too_large", Msg: "The logo must be at most 512 KB", Field: "file"}
	}
	mime := SniffImage(data)
	if mime == "" {
		return "", fault.Field("file", "programme.logo_unsupported_type", "file must be a PNG, JPEG or WEBP image")
	}
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data), nil
}

// SniffImage returns the MIME type of a PNG, JPEG or WEBP image from its
// first bytes, or "" for anything else.
func SniffImage(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "image/jpeg"
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return "image/webp"
	}
	return ""
}
