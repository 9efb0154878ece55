package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/core/fault"
)

var (
	errBodyRequired = fault.Field("body", "request.body_required", "request body is required")
	errBadJSON      = fault.New(fault.Invalid, "request.invalid_json", "request body is not valid JSON")
	errNotObject    = fault.New(fault.Invalid, "request.invalid_json", "request body must be a JSON object")
)

// bindJSON decodes the request body into dst. Unknown fields are ignored; a
// field of the wrong type is fault.Invalid naming it ("fullName must be a
// string"); malformed JSON, trailing data or a body that is not an object is
// fault.Invalid; an empty body is fault.Invalid when required and leaves dst
// untouched otherwise; a body over the limit is fault.TooLarge. Bad input
// never becomes a 500.
func bindJSON(c *gin.Context, dst any, required bool) error {
	body := c.Request.Body
	if body == nil || body == http.NoBody {
		if required {
			return errBodyRequired
		}
		return nil
	}
	dec := json.NewDecoder(body)
	if err := dec.Decode(dst); err != nil {
		if errors.Is(err, io.EOF) {
			if required {
				return errBodyRequired
			}
			return nil
		}
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			if de := decodeError(err); fault.Is(de, fault.TooLarge) {
				return de
			}
		}
		return errBadJSON
	}
	return nil
}

func decodeError(err error) error {
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var fe *fault.Error
	switch {
	case errors.As(err, &tooBig):
		return errTooLarge
	case errors.As(err, &fe): // a field's own UnmarshalJSON names what is wrong
		return fe
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return errNotObject
		}
		return fault.Field(typeErr.Field, "request.invalid_type", typeErr.Field+" must be "+jsonTypeName(typeErr.Type))
	default:
		// *json.SyntaxError, io.ErrUnexpectedEOF and anything else the
		// decoder reports are the client's malformed input.
		return errBadJSON
	}
}

// jsonTypeName names the JSON type a Go type decodes from, with its article.
func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a valid value"
}
