package porttest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

// MPIStores is what the MPI contract suite needs: one store of each port,
// sharing a database.
type MPIStores struct {
	Records ports.MPIRecordStore
	Trust   ports.TrustStore
}

func mpiRecord(id, first, last string) mpi.Record {
	at := base.Add(789 * time.Nanosecond)
	return mpi.Record{
		MPIID: id, ProgrammeID: "prog_a", FirstName: first, LastName: last,
		DateOfBirth: time.Date(1990, 5, 3, 0, 0, 0, 0, time.UTC), Gender: mpi.Female,
		RegionCode: "DKR", District: "Pikine", CountryCode: "SN", PhoneNumber: "+221771234567",
		ExternalIDs: map[string]string{mpi.ExtNIN: "SN-" + id},
		Programmes:  []mpi.ProgrammeLink{{ProgrammeType: "vaccination", LinkedAt: base, Active: true}},
		Links:       []mpi.Link{{Type: "dhis2", ExternalID: "uid" + id[len(id)-4:], InstanceURL: "https://dhis2.example.org", LinkedAt: base}},
		Status:      mpi.StatusActive, CreatedAt: at, UpdatedAt: at,
	}
}

func normRecord(r mpi.Record) mpi.Record {
	r.CreatedAt = r.CreatedAt.UTC().Truncate(time.Microsecond)
	r.UpdatedAt = r.UpdatedAt.UTC().Truncate(time.Microsecond)
	return r
}

func mpiIDs(rs []mpi.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.MPIID
	}
	return out
}

// MPI runs the contract of ports.MPIRecordStore and ports.TrustStore.
// fresh returns empty stores for one subtest.
func MPI(t *testing.T, fresh func(t *testing.T) MPIStores) {
	ctx := context.Background()

	t.Run("CreateAndGet", func(t *testing.T) {
		s := fresh(t)
		r := mpiRecord("SN-DKR-26-AAAAAAA1", "Fatou", "Diallo")
		require.NoError(t, s.Records.CreateRecord(ctx, r))
		got, err := s.Records.Record(ctx, "prog_a", r.MPIID)
		require.NoError(t, err)
		assert.Equal(t, normRecord(r), got)

		_, err = s.Records.Record(ctx, "prog_b", r.MPIID)
		assert.True(t, fault.Is(err, fault.NotFound), "another programme's record is not found")
		_, err = s.Records.Record(ctx, "prog_a", "SN-DKR-26-NOPENOPE")
		assert.True(t, fault.Is(err, fault.NotFound))

		err = s.Records.CreateRecord(ctx, mpiRecord(r.MPIID, "Awa", "Sow"))
		fe, ok := fault.As(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, fault.Conflict, fe.Kind)
		assert.Equal(t, "mpi.id_taken", fe.Code)

		minimal := mpi.Record{MPIID: "SN-DKR-26-AAAAAAA2", ProgrammeID: "prog_a", FirstName: "Awa", LastName: "Sow",
			RegionCode: "DKR", CountryCode: "SN", Status: mpi.StatusActive, CreatedAt: base, UpdatedAt: base}
		require.NoError(t, s.Records.CreateRecord(ctx, minimal))
		got, err = s.Records.Record(ctx, "prog_a", minimal.MPIID)
		require.NoError(t, err)
		minimal.Gender = mpi.Unknown
		assert.Equal(t, minimal, got, "empty optional fields come back empty")
	})

	t.Run("ExternalIDUniquePerProgramme", func(t *testing.T) {
		s := fresh(t)
		a := mpiRecord("SN-DKR-26-AAAAAAA1", "Fatou", "Diallo")
		require.NoError(t, s.Records.CreateRecord(ctx, a))
		b := mpiRecord("SN-DKR-26-AAAAAAA2", "Awa", "Sow")
		b.ExternalIDs = a.ExternalIDs
		err := s.Records.CreateRecord(ctx, b)
		fe, ok := fault.As(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, "mpi.external_id_taken", fe.Code)
		_, err = s.Records.Record(ctx, "prog_a", b.MPIID)
		assert.True(t, fault.Is(err, fault.NotFound), "nothing written")

		b.ProgrammeID = "prog_b"
		require.NoError(t, s.Records.CreateRecord(ctx, b), "another programme may hold the same id")

		got, err := s.Records.RecordByExternalID(ctx, "prog_a", mpi.ExtNIN, a.ExternalIDs[mpi.ExtNIN])
		require.NoError(t, err)
		assert.Equal(t, a.MPIID, got.MPIID)
		_, err = s.Records.RecordByExternalID(ctx, "prog_a", mpi.ExtDHIS2, "nope")
		assert.True(t, fault.Is(err, fault.NotFound))
	})

	t.Run("BulkBlockedRecordsAndCreateRecords", func(t *testing.T) {
		s := fresh(t)
		bulk, ok := s.Records.(ports.MPIBulkStore)
		if !ok {
			t.Skip("the store has no bulk capability")
		}
		require.NoError(t, bulk.CreateRecords(ctx, nil), "an empty batch is a no-op")
		a := mpiRecord("SN-DKR-26-BBBBBBB1", "Fatou", "Diallo")
		b := mpiRecord("SN-DKR-26-BBBBBBB2", "Awa", "Sow")
		b.PhoneNumber, b.ExternalIDs = "+221770000002", map[string]string{mpi.ExtNIN: "SN-2"}
		merged := mpiRecord("SN-DKR-26-BBBBBBB3", "Fatou", "Diallo")
		merged.Status, merged.MergedInto, merged.ExternalIDs = mpi.StatusMerged, a.MPIID, nil
		other := mpiRecord("SN-DKR-26-BBBBBBB4", "Fatou", "Diallo")
		other.ProgrammeID, other.ExternalIDs = "prog_b", nil
		require.NoError(t, bulk.CreateRecords(ctx, []mpi.Record{a, b, merged, other}))

		got, err := s.Records.Record(ctx, "prog_a", a.MPIID)
		require.NoError(t, err)
		assert.Equal(t, normRecord(a), normRecord(got), "a bulk-created record reads back whole")
		got, err = s.Records.RecordByExternalID(ctx, "prog_a", mpi.ExtNIN, "SN-2")
		require.NoError(t, err)
		assert.Equal(t, b.MPIID, got.MPIID, "external ids are indexed")

		keys := mpi.BlockingKeys(a)
		byKey, recs, err := bulk.BlockedRecords(ctx, "prog_a", append(keys, "n:none:none:-"), 0)
		require.NoError(t, err)
		for _, k := range keys {
			if k[0] == 'x' {
				continue // a's NIN is its own
			}
			assert.Equal(t, []string{a.MPIID}, byKey[k], "key %s: the active record of prog_a only, not merged, not prog_b", k)
		}
		assert.NotContains(t, byKey, "n:none:none:-", "keys nobody holds are absent")
		require.Len(t, recs, 1)
		assert.Equal(t, a.MPIID, recs[0].MPIID)
		assert.Equal(t, a.FirstName, recs[0].FirstName)
		assert.Equal(t, a.DateOfBirth, recs[0].DateOfBirth)
		assert.Equal(t, a.PhoneNumber, recs[0].PhoneNumber)
		assert.Equal(t, a.ExternalIDs, recs[0].ExternalIDs)
		assert.Equal(t, mpi.StatusActive, recs[0].Status)
		assert.Nil(t, recs[0].Programmes, "only what linkage reads")

		byKey, recs, err = bulk.BlockedRecords(ctx, "prog_a", nil, 0)
		require.NoError(t, err)
		assert.Empty(t, byKey)
		assert.Empty(t, recs)

		// Many keys and records at once (over one statement's batch).
		var many []mpi.Record
		var allKeys []string
		for i := range 2100 {
			r := mpiRecord(fmt.Sprintf("SN-DKR-26-C%07d", i), fmt.Sprintf("Name%c%c", 'a'+i%26, 'a'+(i/26)%26), "Diallo")
			r.ExternalIDs, r.PhoneNumber = nil, fmt.Sprintf("+2217%08d", i)
			many = append(many, r)
			allKeys = append(allKeys, "p:"+fmt.Sprintf("%08d", i))
		}
		require.NoError(t, bulk.CreateRecords(ctx, many))
		byKey, recs, err = bulk.BlockedRecords(ctx, "prog_a", allKeys, 0)
		require.NoError(t, err)
		assert.Len(t, byKey, 2100)
		assert.Len(t, recs, 2100)

		// All or nothing: a taken MPI id, or an external id another record
		// holds, writes none of the batch.
		c := mpiRecord("SN-DKR-26-BBBBBBB5", "Mariama", "Ba")
		c.ExternalIDs = nil
		err = bulk.CreateRecords(ctx, []mpi.Record{c, a})
		fe, ok := fault.As(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, "mpi.id_taken", fe.Code)
		_, err = s.Records.Record(ctx, "prog_a", c.MPIID)
		assert.True(t, fault.Is(err, fault.NotFound), "nothing written")
		d := mpiRecord("SN-DKR-26-BBBBBBB6", "Mariama", "Ba")
		d.ExternalIDs = map[string]string{mpi.ExtNIN: "SN-2"}
		err = bulk.CreateRecords(ctx, []mpi.Record{c, d})
		fe, ok = fault.As(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, "mpi.external_id_taken", fe.Code)
		_, err = s.Records.Record(ctx, "prog_a", c.MPIID)
		assert.True(t, fault.Is(err, fault.NotFound), "nothing written")
	})

	t.Run("RegistryAcrossProgrammes", func(t *testing.T) {
		s := fresh(t)
		reg, ok := s.Records.(ports.MPIRegistryStore)
		if !ok {
			t.Skip("the store has no cross-programme reads")
		}
		stats, err := reg.RegistryStats(ctx, base)
		require.NoError(t, err)
		assert.Equal(t, ports.MPIStats{}, stats, "empty registry")

		a := mpiRecord("SN-DKR-26-FFFFFFF1", "Fatou", "Diallo")
		a.IsVerified, a.VerifiedBy = true, "pu_admin"
		b := mpiRecord("SN-DKR-26-FFFFFFF2", "Awa", "Sow")
		b.ExternalIDs, b.Links = nil, nil
		c := mpiRecord("GH-ACC-26-FFFFFFF3", "Kofi", "Mensah")
		c.ProgrammeID, c.CountryCode, c.ExternalIDs, c.Links = "prog_b", "GH", nil, nil
		old := mpiRecord("SN-DKR-26-FFFFFFF4", "Awa", "Sow")
		old.ExternalIDs, old.Links = nil, nil
		old.Status, old.MergedInto, old.MergedAt = mpi.StatusMerged, b.MPIID, base.Add(time.Hour)
		older := mpiRecord("SN-DKR-26-FFFFFFF5", "Awa", "Sow")
		older.ExternalIDs, older.Links = nil, nil
		older.Status, older.MergedInto, older.MergedAt = mpi.StatusMerged, b.MPIID, base.Add(-time.Hour)
		for _, r := range []mpi.Record{a, b, c, old, older} {
			require.NoError(t, s.Records.CreateRecord(ctx, r))
		}
		stats, err = reg.RegistryStats(ctx, base)
		require.NoError(t, err)
		assert.Equal(t, ports.MPIStats{TotalRecords: 3, VerifiedRecords: 1, LinkedRecords: 1, Programmes: 2, MergesSince: 1}, stats)

		all, total, err := reg.AllRecords(ctx, ports.MPIAdminFilter{})
		require.NoError(t, err)
		assert.Equal(t, 5, total)
		assert.Equal(t, []string{c.MPIID, a.MPIID, b.MPIID, old.MPIID, older.MPIID}, mpiIDs(all), "every programme, by MPI id")
		yes, no := true, false
		all, total, err = reg.AllRecords(ctx, ports.MPIAdminFilter{Verified: &yes})
		require.NoError(t, err)
		assert.Equal(t, 1, total)
		assert.Equal(t, []string{a.MPIID}, mpiIDs(all))
		_, total, err = reg.AllRecords(ctx, ports.MPIAdminFilter{Verified: &no})
		require.NoError(t, err)
		assert.Equal(t, 4, total)
		all, total, err = reg.AllRecords(ctx, ports.MPIAdminFilter{CountryCode: "GH"})
		require.NoError(t, err)
		assert.Equal(t, 1, total)
		assert.Equal(t, "prog_b", all[0].ProgrammeID)
		all, total, err = reg.AllRecords(ctx, ports.MPIAdminFilter{Name: "KOFI mensah"})
		require.NoError(t, err)
		assert.Equal(t, 1, total)
		assert.Equal(t, []string{c.MPIID}, mpiIDs(all), "name words, any programme")
		all, total, err = reg.AllRecords(ctx, ports.MPIAdminFilter{ProgrammeID: "prog_a", Limit: 2, Offset: 1})
		require.NoError(t, err)
		assert.Equal(t, 4, total)
		assert.Equal(t, []string{b.MPIID, old.MPIID}, mpiIDs(all))
	})

	t.Run("Federation", func(t *testing.T) {
		s := fresh(t)
		fs, ok := s.Records.(ports.MPIFederationStore)
		if !ok {
			t.Skip("the store has no federation capability")
		}
		pairs, recs, err := fs.CrossProgrammePairs(ctx, ports.MPIPair{}, 10)
		require.NoError(t, err)
		assert.Empty(t, pairs, "empty registry")
		assert.Empty(t, recs)

		a := mpiRecord("SN-DKR-26-GGGGGGG1", "Fatou", "Diallo")
		sameProg := mpiRecord("SN-DKR-26-GGGGGGG2", "Fatou", "Diallo")
		sameProg.ExternalIDs = nil
		b := mpiRecord("SN-DKR-26-GGGGGGG3", "Fatou", "Diallo")
		b.ProgrammeID, b.ExternalIDs = "prog_b", nil
		c := mpiRecord("SN-DKR-26-GGGGGGG4", "Fatou", "Diallo")
		c.ProgrammeID, c.ExternalIDs = "prog_c", nil
		merged := mpiRecord("SN-DKR-26-GGGGGGG5", "Fatou", "Diallo")
		merged.ProgrammeID, merged.ExternalIDs, merged.Status, merged.MergedInto = "prog_d", nil, mpi.StatusMerged, c.MPIID
		stranger := mpiRecord("SN-DKR-26-GGGGGGG6", "Kwame", "Mensah")
		stranger.ProgrammeID, stranger.ExternalIDs, stranger.PhoneNumber = "prog_e", nil, "+233240000000"
		stranger.DateOfBirth = time.Date(1950, 1, 2, 0, 0, 0, 0, time.UTC)
		for _, r := range []mpi.Record{a, sameProg, b, c, merged, stranger} {
			require.NoError(t, s.Records.CreateRecord(ctx, r))
		}
		pairs, recs, err = fs.CrossProgrammePairs(ctx, ports.MPIPair{}, 10)
		require.NoError(t, err)
		want := []ports.MPIPair{{A: a.MPIID, B: b.MPIID}, {A: a.MPIID, B: c.MPIID}, {A: sameProg.MPIID, B: b.MPIID}, {A: sameProg.MPIID, B: c.MPIID}, {A: b.MPIID, B: c.MPIID}}
		assert.Equal(t, want, pairs, "different programmes only, active only, each pair once, in order")
		assert.Equal(t, []string{a.MPIID, sameProg.MPIID, b.MPIID, c.MPIID}, mpiIDs(recs))
		assert.Equal(t, "prog_b", recs[2].ProgrammeID)
		assert.Equal(t, a.DateOfBirth, recs[0].DateOfBirth)
		pairs, _, err = fs.CrossProgrammePairs(ctx, want[1], 2)
		require.NoError(t, err)
		assert.Equal(t, want[2:4], pairs, "a keyset page after a pair")

		got, err := fs.RecordAnyProgramme(ctx, b.MPIID)
		require.NoError(t, err)
		assert.Equal(t, "prog_b", got.ProgrammeID)
		_, err = fs.RecordAnyProgramme(ctx, "SN-DKR-26-NOPENOPE")
		assert.True(t, fault.Is(err, fault.NotFound))

		l1 := mpi.FederationLink{ID: "fl_1", SourceMPIID: b.MPIID, SourceProgrammeID: "prog_b", TargetMPIID: a.MPIID,
			TargetProgrammeID: "prog_a", Type: mpi.LinkSamePerson, Confidence: 0.97, Notes: "checked", CreatedBy: "pu_admin", CreatedAt: base}
		require.NoError(t, fs.CreateFederationLink(ctx, l1))
		dup := l1
		dup.ID, dup.SourceMPIID, dup.TargetMPIID, dup.Type = "fl_2", a.MPIID, b.MPIID, mpi.LinkRelated
		err = fs.CreateFederationLink(ctx, dup)
		fe, ok := fault.As(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, "mpi.federation_link_exists", fe.Code, "one link per pair, whatever the direction")
		l3 := mpi.FederationLink{ID: "fl_3", SourceMPIID: a.MPIID, SourceProgrammeID: "prog_a", TargetMPIID: c.MPIID,
			TargetProgrammeID: "prog_c", Type: mpi.LinkHouseholdMember, Confidence: 0.5, CreatedAt: base.Add(time.Second)}
		require.NoError(t, fs.CreateFederationLink(ctx, l3))

		links, err := fs.FederationLinks(ctx, a.MPIID)
		require.NoError(t, err)
		require.Len(t, links, 2)
		assert.Equal(t, l1.ID, links[0].ID, "oldest first")
		assert.Equal(t, l1.CreatedAt.UTC(), links[0].CreatedAt)
		links[0].CreatedAt = l1.CreatedAt
		assert.Equal(t, l1, links[0])
		assert.Equal(t, c.MPIID, links[1].Other(a.MPIID))
		links, err = fs.FederationLinks(ctx, stranger.MPIID)
		require.NoError(t, err)
		assert.Empty(t, links)
		pairs, _, err = fs.CrossProgrammePairs(ctx, ports.MPIPair{}, 10)
		require.NoError(t, err)
		assert.Equal(t, []ports.MPIPair{want[2], want[3], want[4]}, pairs, "linked pairs (either direction) are no longer candidates")

		gone, err := fs.DeleteFederationLink(ctx, l1.ID)
		require.NoError(t, err)
		assert.Equal(t, l1.ID, gone.ID)
		_, err = fs.DeleteFederationLink(ctx, l1.ID)
		assert.True(t, fault.Is(err, fault.NotFound))
		links, err = fs.FederationLinks(ctx, b.MPIID)
		require.NoError(t, err)
		assert.Empty(t, links)
		pairs, _, err = fs.CrossProgrammePairs(ctx, ports.MPIPair{}, 10)
		require.NoError(t, err)
		assert.Equal(t, want[0], pairs[0], "an unlinked pair is a candidate again")
		require.NoError(t, fs.CreateFederationLink(ctx, dup), "the pair can be linked again once unlinked")
	})

	t.Run("CandidatesRankSharedKeysThenRecency", func(t *testing.T) {
		s := fresh(t)
		// Three namesakes under the probe's name key; older shares only
		// it, while recent and newest also share the phone key.
		older := mpiRecord("SN-DKR-26-HHHHHHH1", "Awa", "Sow")
		older.PhoneNumber, older.ExternalIDs = "", nil
		recent := mpiRecord("SN-DKR-26-HHHHHHH3", "Awa", "Sow")
		recent.ExternalIDs, recent.CreatedAt = nil, base.Add(time.Hour)
		newest := mpiRecord("SN-DKR-26-HHHHHHH2", "Awa", "Sow")
		newest.ExternalIDs, newest.CreatedAt = nil, base.Add(2*time.Hour)
		for _, r := range []mpi.Record{older, recent, newest} {
			require.NoError(t, s.Records.CreateRecord(ctx, r))
		}
		probe := mpiRecord("SN-DKR-26-ZZZZZZZZ", "Awa", "Sow")
		probe.ExternalIDs = nil
		got, err := s.Records.Candidates(ctx, "prog_a", mpi.BlockingKeys(probe), 10)
		require.NoError(t, err)
		assert.Equal(t, []string{newest.MPIID, recent.MPIID, older.MPIID}, mpiIDs(got), "most keys shared, then the most recent")
		got, err = s.Records.Candidates(ctx, "prog_a", mpi.BlockingKeys(probe), 1)
		require.NoError(t, err)
		assert.Equal(t, []string{newest.MPIID}, mpiIDs(got), "the cut is deterministic")

		bulk, ok := s.Records.(ports.MPIBulkStore)
		if !ok {
			return
		}
		nameKey := ""
		for _, k := range mpi.BlockingKeys(probe) {
			if k[0] == 'n' {
				nameKey = k
			}
		}
		byKey, recs, err := bulk.BlockedRecords(ctx, "prog_a", []string{nameKey}, 2)
		require.NoError(t, err)
		assert.Equal(t, []string{newest.MPIID, recent.MPIID}, byKey[nameKey], "the two most recent, in MPI id order")
		assert.Equal(t, []string{newest.MPIID, recent.MPIID}, mpiIDs(recs))
	})

	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		s := fresh(t)
		r := mpiRecord("SN-DKR-26-DDDDDDD1", "Fatou", "Diallo")
		r.Programmes = nil
		require.NoError(t, s.Records.CreateRecord(ctx, r))
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.Records.UpdateRecord(ctx, "prog_a", r.MPIID, func(r *mpi.Record) error {
					r.Programmes = append(r.Programmes, mpi.ProgrammeLink{ProgrammeType: fmt.Sprintf("p%d", i), LinkedAt: base, Active: true})
					return nil
				})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		got, err := s.Records.Record(ctx, "prog_a", r.MPIID)
		require.NoError(t, err)
		assert.Len(t, got.Programmes, n, "every concurrent update kept")
	})

	t.Run("ConcurrentCreatesOneExternalID", func(t *testing.T) {
		s := fresh(t)
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := mpiRecord(fmt.Sprintf("SN-DKR-26-EEEEEEE%d", i), "Fatou", "Diallo")
				r.ExternalIDs = map[string]string{mpi.ExtNIN: "SN-RACE"}
				errs[i] = s.Records.CreateRecord(ctx, r)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			fe, isF := fault.As(err)
			require.True(t, isF, "%v", err)
			assert.Equal(t, "mpi.external_id_taken", fe.Code)
		}
		assert.Equal(t, 1, ok, "exactly one record holds the NIN")
		_, err := s.Records.RecordByExternalID(ctx, "prog_a", mpi.ExtNIN, "SN-RACE")
		require.NoError(t, err)
	})

	t.Run("CandidatesByBlockingKey", func(t *testing.T) {
		s := fresh(t)
		a := mpiRecord("SN-DKR-26-AAAAAAA1", "Fatou", "Diallo")
		b := mpiRecord("SN-DKR-26-AAAAAAA2", "Fatou", "Jallow")
		b.PhoneNumber, b.ExternalIDs = "", nil
		c := mpiRecord("SN-DKR-26-AAAAAAA3", "Kwame", "Mensah")
		c.PhoneNumber, c.ExternalIDs = "+233241111111", map[string]string{mpi.ExtNIN: "X"}
		c.DateOfBirth = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, r := range []mpi.Record{a, b, c} {
			require.NoError(t, s.Records.CreateRecord(ctx, r))
		}
		probe := mpiRecord("SN-DKR-26-ZZZZZZZZ", "Diallo", "Fatou")
		probe.PhoneNumber, probe.ExternalIDs = "", nil
		got, err := s.Records.Candidates(ctx, "prog_a", mpi.BlockingKeys(probe), 10)
		require.NoError(t, err)
		assert.Equal(t, []string{a.MPIID, b.MPIID}, mpiIDs(got))
		assert.Equal(t, normRecord(a), got[0])

		got, err = s.Records.Candidates(ctx, "prog_b", mpi.BlockingKeys(probe), 10)
		require.NoError(t, err)
		assert.Empty(t, got)
		got, err = s.Records.Candidates(ctx, "prog_a", mpi.BlockingKeys(probe), 1)
		require.NoError(t, err)
		assert.Len(t, got, 1)
		got, err = s.Records.Candidates(ctx, "prog_a", nil, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("UpdateReindexes", func(t *testing.T) {
		s := fresh(t)
		a := mpiRecord("SN-DKR-26-AAAAAAA1", "Fatou", "Diallo")
		require.NoError(t, s.Records.CreateRecord(ctx, a))
		got, err := s.Records.UpdateRecord(ctx, "prog_a", a.MPIID, func(r *mpi.Record) error {
			r.LastName, r.PhoneNumber = "Mensah", "+233240000000"
			r.ExternalIDs = map[string]string{mpi.ExtDHIS2: "uid1"}
			r.MPIID = "ignored"
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, a.MPIID, got.MPIID)
		assert.Equal(t, "Mensah", got.LastName)
		stored, err := s.Records.Record(ctx, "prog_a", a.MPIID)
		require.NoError(t, err)
		assert.Equal(t, got, stored)

		old, err := s.Records.Candidates(ctx, "prog_a", []string{"p:71234567"}, 10)
		require.NoError(t, err)
		assert.Empty(t, old, "old phone key removed")
		_, err = s.Records.RecordByExternalID(ctx, "prog_a", mpi.ExtNIN, a.ExternalIDs[mpi.ExtNIN])
		assert.True(t, fault.Is(err, fault.NotFound), "old external id removed")
		byUID, err := s.Records.RecordByExternalID(ctx, "prog_a", mpi.ExtDHIS2, "uid1")
		require.NoError(t, err)
		assert.Equal(t, a.MPIID, byUID.MPIID)

		boom := fault.New(fault.Invalid, "x", "x")
		_, err = s.Records.UpdateRecord(ctx, "prog_a", a.MPIID, func(r *mpi.Record) error { r.LastName = "Z"; return boom })
		assert.ErrorIs(t, err, boom)
		stored, _ = s.Records.Record(ctx, "prog_a", a.MPIID)
		assert.Equal(t, "Mensah", stored.LastName)
		_, err = s.Records.UpdateRecord(ctx, "prog_b", a.MPIID, func(*mpi.Record) error { return nil })
		assert.True(t, fault.Is(err, fault.NotFound))

		// A merged record leaves the index.
		_, err = s.Records.UpdateRecord(ctx, "prog_a", a.MPIID, func(r *mpi.Record) error {
			r.Status, r.MergedInto, r.MergedAt, r.MergeReason = mpi.StatusMerged, "SN-DKR-26-BBBBBBBB", base, "same person"
			return nil
		})
		require.NoError(t, err)
		_, err = s.Records.RecordByExternalID(ctx, "prog_a", mpi.ExtDHIS2, "uid1")
		assert.True(t, fault.Is(err, fault.NotFound))
		stored, _ = s.Records.Record(ctx, "prog_a", a.MPIID)
		assert.Equal(t, "SN-DKR-26-BBBBBBBB", stored.MergedInto)
		assert.Equal(t, base, stored.MergedAt)
		n, err := s.Records.RepointMerged(ctx, "prog_a", "SN-DKR-26-BBBBBBBB", "SN-DKR-26-CCCCCCCC")
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		stored, _ = s.Records.Record(ctx, "prog_a", a.MPIID)
		assert.Equal(t, "SN-DKR-26-CCCCCCCC", stored.MergedInto)
		got2, _, err := s.Records.SearchRecords(ctx, "prog_a", ports.MPIFilter{})
		require.NoError(t, err)
		assert.Empty(t, got2, "search lists active records only")
	})

	t.Run("SearchAndPage", func(t *testing.T) {
		s := fresh(t)
		a := mpiRecord("SN-DKR-26-AAAAAAA1", "Fatou", "Diallo")
		b := mpiRecord("SN-DKR-26-AAAAAAA2", "Aïssatou", "Diallo")
		b.ExternalIDs, b.RegionCode = nil, "THI"
		c := mpiRecord("SN-DKR-26-AAAAAAA3", "Kwame", "Mensah")
		c.ExternalIDs, c.PhoneNumber = nil, "+233241111111"
		for _, r := range []mpi.Record{c, a, b} {
			require.NoError(t, s.Records.CreateRecord(ctx, r))
		}
		tests := []struct {
			give ports.MPIFilter
			want []string
			n    int
		}{
			{ports.MPIFilter{}, []string{a.MPIID, b.MPIID, c.MPIID}, 3},
			{ports.MPIFilter{Name: "DIALLO"}, []string{a.MPIID, b.MPIID}, 2},
			{ports.MPIFilter{Name: "aissatou diallo"}, []string{b.MPIID}, 1},
			{ports.MPIFilter{RegionCode: "THI"}, []string{b.MPIID}, 1},
			{ports.MPIFilter{PhoneNumber: "+233241111111"}, []string{c.MPIID}, 1},
			{ports.MPIFilter{DateOfBirth: "1990-05-03"}, []string{a.MPIID, b.MPIID, c.MPIID}, 3},
			{ports.MPIFilter{DateOfBirth: "1990-05-04"}, []string{}, 0},
			{ports.MPIFilter{MPIID: c.MPIID}, []string{c.MPIID}, 1},
			{ports.MPIFilter{Limit: 1, Offset: 1}, []string{b.MPIID}, 3},
		}
		for _, tt := range tests {
			got, n, err := s.Records.SearchRecords(ctx, "prog_a", tt.give)
			require.NoError(t, err)
			assert.Equal(t, tt.want, mpiIDs(got), "%+v", tt.give)
			assert.Equal(t, tt.n, n, "%+v", tt.give)
		}
		page, err := s.Records.RecordsAfter(ctx, "prog_a", "", 2)
		require.NoError(t, err)
		assert.Equal(t, []string{a.MPIID, b.MPIID}, mpiIDs(page))
		page, err = s.Records.RecordsAfter(ctx, "prog_a", b.MPIID, 2)
		require.NoError(t, err)
		assert.Equal(t, []string{c.MPIID}, mpiIDs(page))
		page, err = s.Records.RecordsAfter(ctx, "prog_b", "", 2)
		require.NoError(t, err)
		assert.Empty(t, page)
	})

	t.Run("TrustHistory", func(t *testing.T) {
		s := fresh(t)
		id := "SN-DKR-26-AAAAAAA1"
		var want []mpi.Trust
		for i := range 3 {
			tr := mpi.Trust{MPIID: id, Score: 55 + float64(i)*10.5, Level: mpi.LevelOf(55 + float64(i)*10.5),
				ComputedAt: base.Add(time.Duration(i) * time.Hour),
				Components: mpi.Components{KYCVerified: i > 0, HasNIN: true, ProgrammesCount: i}}
			if i == 2 {
				tr.Risks = []mpi.Risk{{Type: mpi.RiskMissingNIN, Severity: mpi.SeverityLow, Description: "d", DetectedAt: base}}
			}
			require.NoError(t, s.Trust.AppendTrust(ctx, "prog_a", tr))
			want = append(want, tr)
		}
		require.NoError(t, s.Trust.AppendTrust(ctx, "prog_b", mpi.Trust{MPIID: id, Score: 1, Level: mpi.LevelCritical, ComputedAt: base}))
		got, err := s.Trust.TrustHistory(ctx, "prog_a", id, 10)
		require.NoError(t, err)
		assert.Equal(t, want, got)
		got, err = s.Trust.TrustHistory(ctx, "prog_a", id, 2)
		require.NoError(t, err)
		assert.Equal(t, want[1:], got, "the newest two, oldest first")
		got, err = s.Trust.TrustHistory(ctx, "prog_a", "SN-DKR-26-NONENONE", 10)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}
