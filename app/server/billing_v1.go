package server

import (
	"crypto/rand"
	"log/slog"

	"go.uber.org/fx"

	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/billingv1svc"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/ports"
)

type billingV1In struct {
	fx.In
	Config     config.Config
	Programmes ports.ProgrammeStore
	Plans      ports.QuotaPlanStore
	Ledger     ports.LedgerStore
	Invoices   ports.InvoiceStore
	Recharges  ports.RechargeRequestStore
	Modules    ports.ModuleStore
	Tx         ports.Tx
	Audit      *auditsvc.Service
	Log        *slog.Logger
	Clock      ports.Clock `optional:"true"` // tests supply a fake; the system clock otherwise
}

// newBillingV1 builds the Oomus billing service keyed by
// KENTE_INVOICE_HMAC_KEY. Without the key (only when the configuration
// skipped ResolveSecrets, as some tests do) it returns nil and the
// /api/v1/billing routes answer 503 rather than sign with a weak key.
func newBillingV1(in billingV1In) *billingv1svc.Service {
	if len(in.Config.Secrets.InvoiceHMACKey) < 16 {
		in.Log.Warn("KENTE_INVOICE_HMAC_KEY is not set: the /api/v1 billing routes answer 503")
		return nil
	}
	clock := in.Clock
	if clock == nil {
		clock = ports.SystemClock{}
	}
	return billingv1svc.New(billingv1svc.Deps{
		Programmes: in.Programmes, Plans: in.Plans, Ledger: in.Ledger, Invoices: in.Invoices, Recharges: in.Recharges,
		Modules: in.Modules, Tx: in.Tx, Audit: in.Audit, Clock: clock, Rand: rand.Reader, Log: in.Log,
	}, billingv1svc.Options{InvoiceKey: []byte(in.Config.Secrets.InvoiceHMACKey)})
}
