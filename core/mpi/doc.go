// Package mpi holds the rules of the Oomus master patient index: MPI ids,
// the validation of a beneficiary's demographics, name normalisation with
// West African spelling variants, Jaro-Winkler, the weighted record-linkage
// score with its decision bands, blocking keys, and the Health Trust Score
// with its risk signals. It does no I/O and reads no clock: time and
// randomness are passed in.
package mpi
