package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/core/fault"
)

// statusOf is THE table mapping fault kinds to HTTP statuses: one column per
// API family. Adding a fault kind without a row here renders it as 500.
var statusOf = map[fault.Kind]struct{ api, v1 int }{
	fault.Internal:        {http.StatusInternalServerError, http.StatusInternalServerError},
	fault.Invalid:         {http.StatusBadRequest, http.StatusUnprocessableEntity},
	fault.Unauthenticated: {http.StatusUnauthorized, http.StatusUnauthorized},
	fault.Forbidden:       {http.StatusForbidden, http.StatusForbidden},
	fault.NotFound:        {http.StatusNotFound, http.StatusNotFound},
	fault.Conflict:        {http.StatusConflict, http.StatusConflict},
	fault.PaymentRequired: {http.StatusPaymentRequired, http.StatusPaymentRequired},
	fault.TooLarge:        {http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge},
	fault.RateLimited:     {http.StatusTooManyRequests, http.StatusTooManyRequests},
	fault.NotImplemented:  {http.StatusNotImplemented, http.StatusNotImplemented},
	fault.Unavailable:     {http.StatusServiceUnavailable, http.StatusServiceUnavailable},
}

// internalMessage is the only text a client sees for an unclassified failure.
const internalMessage = "Internal server error"

// isV1 reports whether path belongs to the Oomus family (/api/v1), whose
// errors are {"detail","code","field"}; every other path speaks the AskOzzy
// shape {"error": ...}.
func isV1(path string) bool {
	return strings.HasPrefix(path, "/api/v1/") || path == "/api/v1"
}

// statusFor returns the HTTP status for kind in the family of path.
func statusFor(kind fault.Kind, v1 bool) int {
	st, ok := statusOf[kind]
	if !ok {
		return http.StatusInternalServerError
	}
	if v1 {
		return st.v1
	}
	return st.api
}

// fail renders err in the request's family shape and aborts the chain. The
// error is attached to the context, so the access log records the cause of a
// 5xx once, with the request ID.
func fail(c *gin.Context, err error) {
	fe, ok := fault.As(err)
	if !ok {
		fe = &fault.Error{Kind: fault.Internal, Code: "internal"}
	}
	v1 := isV1(c.Request.URL.Path)
	status := statusFor(fe.Kind, v1)
	if status >= http.StatusInternalServerError {
		_ = c.Error(err)
	}
	msg, code := fe.Msg, fe.Code
	if status == http.StatusInternalServerError {
		msg, code = internalMessage, "internal"
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	if code == "" {
		code = fe.Kind.String()
	}
	if fe.Kind == fault.RateLimited && fe.RetryAfterSeconds > 0 {
		c.Header("Retry-After", strconv.Itoa(fe.RetryAfterSeconds))
	}
	if v1 {
		if len(fe.Extra) == 0 || status >= http.StatusInternalServerError {
			c.AbortWithStatusJSON(status, v1Error{Detail: msg, Code: code, Field: fe.Field})
			return
		}
		// Extra details (e.g. a 402's expected_cost_fcfa and balance_fcfa)
		// sit beside detail/code/field and never replace them.
		body := make(map[string]any, len(fe.Extra)+3)
		for k, v := range fe.Extra {
			body[k] = v
		}
		body["detail"], body["code"] = msg, code
		if fe.Field != "" {
			body["field"] = fe.Field
		} else {
			delete(body, "field")
		}
		c.AbortWithStatusJSON(status, body)
		return
	}
	body := make(map[string]any, len(fe.Extra)+3)
	for k, v := range fe.Extra {
		body[k] = v
	}
	body["error"] = msg
	if fe.Field != "" {
		body["field"] = fe.Field
	}
	if fe.Kind == fault.RateLimited && fe.RetryAfterSeconds > 0 {
		body["retryAfter"] = fe.RetryAfterSeconds
	}
	c.AbortWithStatusJSON(status, body)
}

// renderStatus renders a transport-level failure that has no fault kind
// (404 for an unknown route, 405, 415) in the request's family shape.
func renderStatus(c *gin.Context, status int, code, msg string) {
	if isV1(c.Request.URL.Path) {
		c.AbortWithStatusJSON(status, v1Error{Detail: msg, Code: code})
		return
	}
	c.AbortWithStatusJSON(status, apiError{Error: msg})
}

// apiError is the AskOzzy error body.
type apiError struct {
	Error string `json:"error"`
}

// v1Error is the Oomus error body.
type v1Error struct {
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
}
