// Command verify-pass checks a Sovereign Wallet pass offline, the way a
// field device does: with the QR payload, its Ed25519 signature token and
// the server's public keys (the JSON of GET /api/v1/wallet/keys), and no
// network or secret. It prints valid, invalid, expired or revoked and
// exits 0 only for valid.
//
//	verify-pass -keys keys.json -p 'SN-DKR-26-9XQ7LM2A:8A06586D268B79A3:health' -s 'v1.…'
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kente-gov/kente/core/wallet/offline"
)

func main() {
	os.Exit(run(os.Args[1:], time.Now(), os.Stdout, os.Stderr))
}

// run verifies and returns the exit code: 0 valid, 1 not valid, 2 usage.
func run(args []string, now time.Time, out, errOut io.Writer) int {
	fs := flag.NewFlagSet("verify-pass", flag.ContinueOnError)
	fs.SetOutput(errOut)
	keysPath := fs.String("keys", "", "public-key file (JSON of GET /api/v1/wallet/keys)")
	p := fs.String("p", "", "QR payload {mpi_id}:{pass_id}:{pass_type}")
	s := fs.String("s", "", "Ed25519 signature token (signature_ed25519)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *keysPath == "" || *p == "" || *s == "" {
		fmt.Fprintln(errOut, "usage: verify-pass -keys FILE -p PAYLOAD -s SIGNATURE")
		return 2
	}
	data, err := os.ReadFile(*keysPath)
	if err != nil {
		fmt.Fprintln(errOut, "verify-pass:", err)
		return 2
	}
	keys, err := offline.ParseKeys(data)
	if err != nil {
		fmt.Fprintln(errOut, "verify-pass:", err)
		return 2
	}
	r := offline.Verifier{Keys: keys}.Check(*p, *s, now)
	switch r.Status {
	case offline.Invalid:
		fmt.Fprintf(out, "invalid: %s\n", r.Reason)
	default:
		fmt.Fprintf(out, "%s: pass %s (%s), key %s, expires %s\n", r.Status, r.Payload.PassID, r.Payload.PassType,
			r.Token.KeyID, r.Token.ExpiresAt.Format(time.RFC3339))
	}
	if r.Status == offline.Valid {
		return 0
	}
	return 1
}
