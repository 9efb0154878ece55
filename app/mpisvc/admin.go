package mpisvc

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

// statsWindow is the window of the "last 30 days" counts of Stats.
const statsWindow = 30 * 24 * time.Hour

// GlobalStats are the registry-wide figures of GET /mpi/admin/stats/global.
type GlobalStats struct {
	ports.MPIStats
	// VerificationsLast30d counts "mpi.admin_verify" audit records of the
	// last 30 days; -1 when the service has no audit log to read.
	VerificationsLast30d int
}

var errNoRegistry = fault.New(fault.NotImplemented, "mpi.registry_unsupported", "This MPI store has no cross-programme reads")

// WithAuditLog lets Stats count verifications from the audit log, and
// returns s.
func (s *Service) WithAuditLog(l ports.AuditLog) *Service {
	s.auditLog = l
	return s
}

// Stats counts the records of every programme, the merges of the last 30
// days (records merged since), and the KYC verifications of the last 30
// days. For platform administrators.
func (s *Service) Stats(ctx context.Context) (GlobalStats, error) {
	reg, ok := s.records.(ports.MPIRegistryStore)
	if !ok {
		return GlobalStats{}, errNoRegistry
	}
	since := s.clock.Now().Add(-statsWindow)
	st, err := reg.RegistryStats(ctx, since)
	if err != nil {
		return GlobalStats{}, err
	}
	out := GlobalStats{MPIStats: st, VerificationsLast30d: -1}
	if s.auditLog != nil {
		_, n, err := s.auditLog.ListAudit(ctx, ports.AuditFilter{Action: "mpi.admin_verify", From: since, Limit: 1})
		if err != nil {
			return GlobalStats{}, err
		}
		out.VerificationsLast30d = n
	}
	return out, nil
}

// All lists the records of every programme (active and merged), by MPI id.
// For platform administrators.
func (s *Service) All(ctx context.Context, f ports.MPIAdminFilter) ([]mpi.Record, int, error) {
	reg, ok := s.records.(ports.MPIRegistryStore)
	if !ok {
		return nil, 0, errNoRegistry
	}
	switch {
	case f.Limit < 0 || f.Limit > 100:
		return nil, 0, fault.Field("limit", "mpi.invalid_limit", "limit must be between 1 and 100")
	case f.Offset < 0:
		return nil, 0, fault.Field("offset", "mpi.invalid_offset", "offset must not be negative")
	case f.CountryCode != "" && !mpi.ValidCountry(f.CountryCode):
		return nil, 0, fault.Field("country", "mpi.invalid_country", "country must be an ISO 3166-1 alpha-2 code")
	}
	return reg.AllRecords(ctx, f)
}
