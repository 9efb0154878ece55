package mpisvc

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
)

// Patch is a partial update of a record: nil fields are left unchanged.
// ExternalIDs sets the keys it names; an empty value removes the key.
type Patch struct {
	FirstName, LastName *string
	DateOfBirth         *string // YYYY-MM-DD; "" clears it
	Gender              *string
	RegionCode          *string
	District            *string
	CountryCode         *string
	PhoneNumber         *string // "" clears it
	ExternalIDs         map[string]string
	ActorID             string // who patches, for the audit log
}

// empty reports whether p changes nothing.
func (p Patch) empty() bool {
	return p.FirstName == nil && p.LastName == nil && p.DateOfBirth == nil && p.Gender == nil && p.RegionCode == nil &&
		p.District == nil && p.CountryCode == nil && p.PhoneNumber == nil && len(p.ExternalIDs) == 0
}

// Patch applies p to an active record with the validation of Register
// (fault.Invalid naming the field) and returns the updated record. The MPI
// id never changes, even when the country or region does. A merged record
// is fault.Conflict "mpi.already_merged" (patch its canonical record); an
// empty patch is fault.Invalid. The update is audited "mpi.update" with the
// names of the changed fields (not their values).
func (s *Service) Patch(ctx context.Context, programmeID, mpiID string, p Patch) (mpi.Record, error) {
	if p.empty() {
		return mpi.Record{}, fault.New(fault.Invalid, "mpi.empty_patch", "Give at least one field to change")
	}
	now := s.clock.Now()
	var out mpi.Record
	var changed []string
	err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.records.UpdateRecord(ctx, programmeID, mpiID, func(r *mpi.Record) error {
			if r.Status != mpi.StatusActive {
				return fault.New(fault.Conflict, "mpi.already_merged", "The record is merged into "+r.MergedInto+"; patch that record").
					With("merged_into", r.MergedInto)
			}
			changed = changed[:0]
			set := func(name string, dst *string, v *string) {
				if v != nil {
					*dst = strings.TrimSpace(*v)
					changed = append(changed, name)
				}
			}
			set("first_name", &r.FirstName, p.FirstName)
			set("last_name", &r.LastName, p.LastName)
			set("region_code", &r.RegionCode, p.RegionCode)
			set("district", &r.District, p.District)
			set("country_code", &r.CountryCode, p.CountryCode)
			set("phone_number", &r.PhoneNumber, p.PhoneNumber)
			r.RegionCode, r.CountryCode = strings.ToUpper(r.RegionCode), strings.ToUpper(r.CountryCode)
			if p.Gender != nil {
				r.Gender = mpi.Gender(strings.ToUpper(strings.TrimSpace(*p.Gender)))
				changed = append(changed, "gender")
			}
			dob := ""
			if !r.DateOfBirth.IsZero() {
				dob = r.DateOfBirth.Format("2006-01-02")
			}
			if p.DateOfBirth != nil {
				dob = strings.TrimSpace(*p.DateOfBirth)
				changed = append(changed, "date_of_birth")
			}
			ext := maps.Clone(r.ExternalIDs)
			if ext == nil {
				ext = map[string]string{}
			}
			for _, k := range slices.Sorted(maps.Keys(p.ExternalIDs)) {
				if v := p.ExternalIDs[k]; v == "" {
					delete(ext, k)
				} else {
					ext[k] = v
				}
				changed = append(changed, "external_ids."+k)
			}
			r.ExternalIDs, r.DateOfBirth = nil, time.Time{} // checkRecord sets both again from dob and ext
			if err := checkRecord(r, dob, ext, now); err != nil {
				return err
			}
			r.UpdatedAt = now
			return nil
		})
		if err != nil {
			return err
		}
		return s.record(ctx, p.ActorID, "mpi.update", mpiID, map[string]any{"programme_id": programmeID, "fields": changed})
	})
	return out, err
}
