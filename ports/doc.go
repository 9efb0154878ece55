// Package ports declares the interfaces Kente's services need from the
// outside world. A deployment swaps an adapter by providing another
// implementation that passes the port's contract suite in ports/porttest.
//
// Every method takes ctx first and documents the fault kinds it returns.
package ports
