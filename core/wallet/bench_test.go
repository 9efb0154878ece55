package wallet_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/kente-gov/kente/core/wallet"
	"github.com/kente-gov/kente/core/wallet/offline"
)

// offlineTarget is the Oomus offline-check target (platform §13: < 50 ms).
const offlineTarget = 50 * time.Millisecond

func reportRate(b *testing.B) {
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(1/perOp, "verifications/s/core")
	b.ReportMetric(offlineTarget.Seconds()/perOp, "x_under_50ms_target")
}

func BenchmarkVerifyHMAC(b *testing.B) {
	key := []byte(testHMACKey)
	for b.Loop() {
		if !wallet.VerifyHMAC(key, testPayload, testPayloadMAC) {
			b.Fatal("did not verify")
		}
	}
	reportRate(b)
}

func BenchmarkVerifyEd25519(b *testing.B) {
	k, _ := wallet.NewSigningKey(rand.Reader, now)
	ring, _ := wallet.NewKeyring(k)
	tok, _, _ := ring.Sign(testPayload, now.Add(time.Hour))
	v := ring.Verifier()
	for b.Loop() {
		if v.Check(testPayload, tok, now).Status != offline.Valid {
			b.Fatal("did not verify")
		}
	}
	reportRate(b)
}

func BenchmarkSignEd25519(b *testing.B) {
	k, _ := wallet.NewSigningKey(rand.Reader, now)
	ring, _ := wallet.NewKeyring(k)
	for b.Loop() {
		if _, _, err := ring.Sign(testPayload, now.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}
