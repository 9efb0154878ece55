package httpapi

// mapSlice returns f applied to each element of xs: the response form of
// a list. It is never nil, so an empty list renders as [] rather than null.
func mapSlice[T, R any](xs []T, f func(T) R) []R {
	out := make([]R, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}
