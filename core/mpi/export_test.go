package mpi

// VariantGroups exposes the normaliser's variant groups to tests.
func VariantGroups() [][]string { return variantGroups[:] }
