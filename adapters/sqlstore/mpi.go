package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.MPIRecordStore = (*MPIStore)(nil)
	_ ports.TrustStore     = (*MPIStore)(nil)
)

// MPIStore keeps master patient index records (mpi_records), their
// blocking keys (mpi_blocking_keys) and external ids (mpi_external_ids),
// and Health Trust Score history (mpi_trust_history). It implements
// ports.MPIRecordStore and ports.TrustStore and takes part in the
// transaction of a ctx from DB.WithinTx.
type MPIStore struct {
	db *DB
	// keysCurrent is set once the stored blocking keys are known to be of
	// mpi.BlockingKeysVersion (see ReindexBlockingKeys).
	keysCurrent atomic.Bool
	// reindexedInTx is set when a re-index ran in a caller's transaction,
	// whose commit the store cannot see.
	reindexedInTx atomic.Bool
}

// NewMPIStore returns an MPIStore on db, which must be migrated.
func NewMPIStore(db *DB) *MPIStore { return &MPIStore{db: db} }

type mpiRecordRow struct {
	bun.BaseModel `bun:"table:mpi_records"`

	MPIID       string     `bun:"mpi_id,pk"`
	ProgrammeID string     `bun:"programme_id"`
	FirstName   string     `bun:"first_name"`
	LastName    string     `bun:"last_name"`
	SearchName  string     `bun:"search_name"`
	DateOfBirth string     `bun:"date_of_birth"`
	Gender      string     `bun:"gender"`
	RegionCode  string     `bun:"region_code"`
	District    string     `bun:"district"`
	CountryCode string     `bun:"country_code"`
	PhoneNumber string     `bun:"phone_number"`
	ExternalIDs string     `bun:"external_ids"`
	Programmes  string     `bun:"programmes"`
	Links       string     `bun:"links"`
	Status      string     `bun:"status"`
	IsVerified  bool       `bun:"is_verified"`
	VerifiedBy  string     `bun:"verified_by"`
	MergedInto  string     `bun:"merged_into"`
	MergedAt    *time.Time `bun:"merged_at"`
	MergeReason string     `bun:"merge_reason"`
	CreatedAt   time.Time  `bun:"created_at"`
	UpdatedAt   time.Time  `bun:"updated_at"`
}

// JSON shapes of the row's list columns; the domain types carry no tags.
type programmeJSON struct {
	Type     string    `json:"programme_type"`
	LinkedAt time.Time `json:"linked_at"`
	Active   bool      `json:"active"`
}

type linkJSON struct {
	Type        string    `json:"type"`
	ExternalID  string    `json:"external_id"`
	InstanceURL string    `json:"instance_url,omitempty"`
	LinkedAt    time.Time `json:"linked_at"`
}

const dobLayout = "2006-01-02"

func newMPIRow(r mpi.Record) (mpiRecordRow, error) {
	texts := []string{r.MPIID, r.ProgrammeID, r.FirstName, r.LastName, string(r.Gender), r.RegionCode, r.District,
		r.CountryCode, r.PhoneNumber, string(r.Status), r.VerifiedBy, r.MergedInto, r.MergeReason}
	for k, v := range r.ExternalIDs {
		texts = append(texts, k, v)
	}
	for _, l := range r.Links {
		texts = append(texts, l.Type, l.ExternalID, l.InstanceURL)
	}
	for _, p := range r.Programmes {
		texts = append(texts, p.ProgrammeType)
	}
	if err := checkText(texts...); err != nil {
		return mpiRecordRow{}, err
	}
	ext := r.ExternalIDs
	if ext == nil {
		ext = map[string]string{}
	}
	extJSON, err := json.Marshal(ext)
	if err != nil {
		return mpiRecordRow{}, fmt.Errorf("encode external ids: %w", err)
	}
	progs := make([]programmeJSON, len(r.Programmes))
	for i, p := range r.Programmes {
		progs[i] = programmeJSON{Type: p.ProgrammeType, LinkedAt: dbTime(p.LinkedAt), Active: p.Active}
	}
	progJSON, _ := json.Marshal(progs)
	links := make([]linkJSON, len(r.Links))
	for i, l := range r.Links {
		links[i] = linkJSON{Type: l.Type, ExternalID: l.ExternalID, InstanceURL: l.InstanceURL, LinkedAt: dbTime(l.LinkedAt)}
	}
	linkJSONb, _ := json.Marshal(links)
	row := mpiRecordRow{
		MPIID: r.MPIID, ProgrammeID: r.ProgrammeID, FirstName: r.FirstName, LastName: r.LastName,
		SearchName: mpi.NormalizeName(r.FirstName + " " + r.LastName),
		Gender:     string(r.Gender), RegionCode: r.RegionCode, District: r.District, CountryCode: r.CountryCode,
		PhoneNumber: r.PhoneNumber, ExternalIDs: string(extJSON), Programmes: string(progJSON), Links: string(linkJSONb),
		Status: string(r.Status), IsVerified: r.IsVerified, VerifiedBy: r.VerifiedBy, MergedInto: r.MergedInto,
		MergeReason: r.MergeReason, CreatedAt: dbTime(r.CreatedAt), UpdatedAt: dbTime(r.UpdatedAt),
	}
	if row.Gender == "" {
		row.Gender = string(mpi.Unknown)
	}
	if !r.DateOfBirth.IsZero() {
		row.DateOfBirth = r.DateOfBirth.UTC().Format(dobLayout)
	}
	if !r.MergedAt.IsZero() {
		t := dbTime(r.MergedAt)
		row.MergedAt = &t
	}
	return row, nil
}

func (r *mpiRecordRow) record() (mpi.Record, error) {
	out := mpi.Record{
		MPIID: r.MPIID, ProgrammeID: r.ProgrammeID, FirstName: r.FirstName, LastName: r.LastName,
		Gender: mpi.Gender(r.Gender), RegionCode: r.RegionCode, District: r.District, CountryCode: r.CountryCode,
		PhoneNumber: r.PhoneNumber, Status: mpi.Status(r.Status), IsVerified: r.IsVerified, VerifiedBy: r.VerifiedBy,
		MergedInto: r.MergedInto, MergeReason: r.MergeReason, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.DateOfBirth != "" {
		d, err := time.Parse(dobLayout, r.DateOfBirth)
		if err != nil {
			return mpi.Record{}, fmt.Errorf("record %s: date of birth: %w", r.MPIID, err)
		}
		out.DateOfBirth = d
	}
	if r.MergedAt != nil {
		out.MergedAt = r.MergedAt.UTC()
	}
	if err := json.Unmarshal([]byte(r.ExternalIDs), &out.ExternalIDs); err != nil {
		return mpi.Record{}, fmt.Errorf("record %s: external ids: %w", r.MPIID, err)
	}
	if len(out.ExternalIDs) == 0 {
		out.ExternalIDs = nil
	}
	var progs []programmeJSON
	if err := json.Unmarshal([]byte(r.Programmes), &progs); err != nil {
		return mpi.Record{}, fmt.Errorf("record %s: programmes: %w", r.MPIID, err)
	}
	for _, p := range progs {
		out.Programmes = append(out.Programmes, mpi.ProgrammeLink{ProgrammeType: p.Type, LinkedAt: p.LinkedAt.UTC(), Active: p.Active})
	}
	var links []linkJSON
	if err := json.Unmarshal([]byte(r.Links), &links); err != nil {
		return mpi.Record{}, fmt.Errorf("record %s: links: %w", r.MPIID, err)
	}
	for _, l := range links {
		out.Links = append(out.Links, mpi.Link{Type: l.Type, ExternalID: l.ExternalID, InstanceURL: l.InstanceURL, LinkedAt: l.LinkedAt.UTC()})
	}
	return out, nil
}

type mpiKeyRow struct {
	bun.BaseModel `bun:"table:mpi_blocking_keys"`

	BlockKey    string `bun:"block_key,pk"`
	ProgrammeID string `bun:"programme_id,pk"`
	MPIID       string `bun:"mpi_id,pk"`
}

type mpiExtRow struct {
	bun.BaseModel `bun:"table:mpi_external_ids"`

	ProgrammeID string `bun:"programme_id,pk"`
	Key         string `bun:"id_key,pk"`
	Value       string `bun:"id_value,pk"`
	MPIID       string `bun:"mpi_id"`
}

type trustRow struct {
	bun.BaseModel `bun:"table:mpi_trust_history"`

	ID          int64     `bun:"id,pk,autoincrement"`
	ProgrammeID string    `bun:"programme_id"`
	MPIID       string    `bun:"mpi_id"`
	Score       float64   `bun:"score"`
	Level       string    `bun:"level"`
	Components  string    `bun:"components"`
	Risks       string    `bun:"risks"`
	ComputedAt  time.Time `bun:"computed_at"`
}

type componentsJSON struct {
	KYCVerified       bool `json:"kyc_verified"`
	HasNIN            bool `json:"has_nin"`
	HasPhone          bool `json:"has_phone"`
	HasBirthDate      bool `json:"has_birth_date"`
	ProgrammesCount   int  `json:"programmes_count"`
	ProbableDuplicate bool `json:"probable_duplicate"`
	Inconsistent      bool `json:"inconsistent"`
}

type riskJSON struct {
	Type        string    `json:"risk_type"`
	Severity    string    `json:"severity"`
	Description string    `json:"description"`
	DetectedAt  time.Time `json:"detected_at"`
}

// Limits of the MPI store.
const (
	defaultMPISearchLimit = 20
	maxMPISearchLimit     = 100
	maxMPIPage            = 10_000
	maxCandidates         = 1000
	maxTrustHistory       = 1000
)

var (
	errMPINotFound   = fault.New(fault.NotFound, "mpi.not_found", "MPI record not found")
	errMPIIDTaken    = fault.New(fault.Conflict, "mpi.id_taken", "A generated MPI id is already in use")
	errMPIExtIDTaken = fault.New(fault.Conflict, "mpi.external_id_taken", "Another record already holds this external id")
)

// CreateRecord stores a new record with its keys, in the caller's
// transaction or a new one. See ports.MPIRecordStore.
func (s *MPIStore) CreateRecord(ctx context.Context, r mpi.Record) error {
	row, err := newMPIRow(r)
	if err != nil {
		return err
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
			if c, _ := classify(err); c == classUnique {
				return &fault.Error{Kind: fault.Conflict, Code: errMPIIDTaken.Code, Msg: errMPIIDTaken.Msg, Err: err}
			}
			return s.db.wrapErr(err, "create MPI record")
		}
		return s.writeIndex(ctx, r)
	})
}

// writeIndex inserts the blocking keys and external ids of r when it is
// active.
func (s *MPIStore) writeIndex(ctx context.Context, r mpi.Record) error {
	if r.Status != mpi.StatusActive {
		return nil
	}
	idb := s.db.idb(ctx)
	keys := mpi.BlockingKeys(r)
	if len(keys) > 0 {
		rows := make([]mpiKeyRow, len(keys))
		for i, k := range keys {
			rows[i] = mpiKeyRow{ProgrammeID: r.ProgrammeID, BlockKey: k, MPIID: r.MPIID}
		}
		if _, err := idb.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "index MPI blocking keys")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.ExternalIDs)) {
		v := r.ExternalIDs[k]
		if v == "" {
			continue
		}
		row := mpiExtRow{ProgrammeID: r.ProgrammeID, Key: k, Value: v, MPIID: r.MPIID}
		if _, err := idb.NewInsert().Model(&row).Exec(ctx); err != nil {
			if c, _ := classify(err); c == classUnique {
				return &fault.Error{Kind: fault.Conflict, Code: errMPIExtIDTaken.Code, Msg: errMPIExtIDTaken.Msg,
					Field: "external_ids." + k, Err: err}
			}
			return s.db.wrapErr(err, "index MPI external id")
		}
	}
	return nil
}

// deleteIndex removes the blocking keys and external ids of old, the
// stored state of a record about to change: its keys are derived again
// (the stored ones are of the current mpi.BlockingKeysVersion, see
// ReindexBlockingKeys) and deleted by primary key.
func (s *MPIStore) deleteIndex(ctx context.Context, old mpi.Record) error {
	idb := s.db.idb(ctx)
	if keys := mpi.BlockingKeys(old); len(keys) > 0 {
		if _, err := idb.NewDelete().Model((*mpiKeyRow)(nil)).Where("block_key IN (?)", bun.In(keys)).
			Where("programme_id = ?", old.ProgrammeID).Where("mpi_id = ?", old.MPIID).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "delete MPI blocking keys")
		}
	}
	if _, err := idb.NewDelete().Model((*mpiExtRow)(nil)).Where("mpi_id = ?", old.MPIID).Exec(ctx); err != nil {
		return s.db.wrapErr(err, "delete MPI external ids")
	}
	return nil
}

// Record returns the record, active or merged; fault.NotFound when absent
// or owned by another programme.
func (s *MPIStore) Record(ctx context.Context, programmeID, mpiID string) (mpi.Record, error) {
	if err := checkText(programmeID, mpiID); err != nil {
		return mpi.Record{}, err
	}
	var row mpiRecordRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("mpi_id = ?", mpiID).Where("programme_id = ?", programmeID).Scan(ctx)
	if isNoRows(err) {
		return mpi.Record{}, errMPINotFound
	}
	if err != nil {
		return mpi.Record{}, s.db.wrapErr(err, "load MPI record")
	}
	return row.record()
}

// candidatesQuery ranks the active records sharing a key: most keys in
// common first, then the most recently registered, then by MPI id.
const candidatesQuery = `SELECT k.mpi_id FROM mpi_blocking_keys k JOIN mpi_records r ON r.mpi_id = k.mpi_id
 WHERE k.programme_id = ? AND r.status = 'active' AND k.block_key IN (?)
 GROUP BY k.mpi_id, r.created_at ORDER BY COUNT(*) DESC, r.created_at DESC, k.mpi_id LIMIT ?`

// Candidates returns up to limit active records sharing a key, those
// sharing the most keys first, then the most recently registered, then by
// MPI id: when a block holds more records than limit, the cut is
// deterministic and keeps the likeliest matches.
func (s *MPIStore) Candidates(ctx context.Context, programmeID string, keys []string, limit int) ([]mpi.Record, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	if err := checkText(append([]string{programmeID}, keys...)...); err != nil {
		return nil, err
	}
	if err := s.ensureKeys(ctx); err != nil {
		return nil, err
	}
	limit = clampLimit(limit, maxCandidates, maxCandidates)
	idb := s.db.idb(ctx)
	var ids []string
	if err := idb.NewRaw(candidatesQuery, programmeID, bun.In(keys), limit).Scan(ctx, &ids); err != nil {
		return nil, s.db.wrapErr(err, "rank MPI candidates")
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []mpiRecordRow
	if err := idb.NewSelect().Model(&rows).Where("mpi_id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, s.db.wrapErr(err, "load MPI candidates")
	}
	byID := make(map[string]*mpiRecordRow, len(rows))
	for i := range rows {
		byID[rows[i].MPIID] = &rows[i]
	}
	out := make([]mpi.Record, 0, len(ids))
	for _, id := range ids {
		if row, ok := byID[id]; ok {
			r, err := row.record()
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func records(rows []mpiRecordRow) ([]mpi.Record, error) {
	out := make([]mpi.Record, 0, len(rows))
	for i := range rows {
		r, err := rows[i].record()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func clampLimit(limit, def, maxLimit int) int {
	if limit <= 0 {
		return def
	}
	return min(limit, maxLimit)
}

// SearchRecords returns active records matching f and the total count.
func (s *MPIStore) SearchRecords(ctx context.Context, programmeID string, f ports.MPIFilter) ([]mpi.Record, int, error) {
	if err := checkText(programmeID, f.Name, f.MPIID, f.RegionCode, f.PhoneNumber, f.DateOfBirth); err != nil {
		return nil, 0, err
	}
	var rows []mpiRecordRow
	q := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme_id = ?", programmeID).
		Where("status = ?", string(mpi.StatusActive))
	for _, w := range mpi.NameTokens(f.Name) {
		q = q.Where("search_name LIKE ?", "%"+w+"%")
	}
	if f.MPIID != "" {
		q = q.Where("mpi_id = ?", f.MPIID)
	}
	if f.RegionCode != "" {
		q = q.Where("region_code = ?", f.RegionCode)
	}
	if f.PhoneNumber != "" {
		q = q.Where("phone_number = ?", f.PhoneNumber)
	}
	if f.DateOfBirth != "" {
		q = q.Where("date_of_birth = ?", f.DateOfBirth)
	}
	n, err := q.OrderExpr("mpi_id").Limit(int64(clampLimit(f.Limit, defaultMPISearchLimit, maxMPISearchLimit))).
		Offset(int64(max(0, f.Offset))).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, s.db.wrapErr(err, "search MPI records")
	}
	out, err := records(rows)
	return out, int(n), err
}

// UpdateRecord applies fn to the locked record and re-derives its index.
func (s *MPIStore) UpdateRecord(ctx context.Context, programmeID, mpiID string, fn func(*mpi.Record) error) (mpi.Record, error) {
	if err := checkText(programmeID, mpiID); err != nil {
		return mpi.Record{}, err
	}
	var out mpi.Record
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var row mpiRecordRow
		q := idb.NewSelect().Model(&row).Where("mpi_id = ?", mpiID).Where("programme_id = ?", programmeID)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); isNoRows(err) {
			return errMPINotFound
		} else if err != nil {
			return s.db.wrapErr(err, "load MPI record for update")
		}
		r, err := row.record()
		if err != nil {
			return err
		}
		old, err := row.record() // fn may change r's maps in place
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		r.MPIID, r.ProgrammeID = mpiID, programmeID
		next, err := newMPIRow(r)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&next).WherePK().Exec(ctx); err != nil {
			return s.db.wrapErr(err, "update MPI record")
		}
		if err := s.deleteIndex(ctx, old); err != nil {
			return err
		}
		if err := s.writeIndex(ctx, r); err != nil {
			return err
		}
		out, err = next.record()
		return err
	})
	return out, err
}

// RecordByExternalID returns the active record holding key=value.
func (s *MPIStore) RecordByExternalID(ctx context.Context, programmeID, key, value string) (mpi.Record, error) {
	if err := checkText(programmeID, key, value); err != nil {
		return mpi.Record{}, err
	}
	var ext mpiExtRow
	err := s.db.idb(ctx).NewSelect().Model(&ext).Where("programme_id = ?", programmeID).
		Where("id_key = ?", key).Where("id_value = ?", value).Scan(ctx)
	if isNoRows(err) {
		return mpi.Record{}, errMPINotFound
	}
	if err != nil {
		return mpi.Record{}, s.db.wrapErr(err, "resolve MPI external id")
	}
	return s.Record(ctx, programmeID, ext.MPIID)
}

// RecordsAfter returns a keyset page of records in MPI id order.
func (s *MPIStore) RecordsAfter(ctx context.Context, programmeID, afterID string, limit int) ([]mpi.Record, error) {
	if err := checkText(programmeID, afterID); err != nil {
		return nil, err
	}
	var rows []mpiRecordRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme_id = ?", programmeID).Where("mpi_id > ?", afterID).
		OrderExpr("mpi_id").Limit(int64(clampLimit(limit, 100, maxMPIPage))).Scan(ctx)
	if err != nil {
		return nil, s.db.wrapErr(err, "page MPI records")
	}
	return records(rows)
}

// RepointMerged moves merged_into from fromID to toID.
func (s *MPIStore) RepointMerged(ctx context.Context, programmeID, fromID, toID string) (int, error) {
	if err := checkText(programmeID, fromID, toID); err != nil {
		return 0, err
	}
	res, err := s.db.idb(ctx).NewUpdate().Model((*mpiRecordRow)(nil)).Set("merged_into = ?", toID).
		Where("programme_id = ?", programmeID).Where("merged_into = ?", fromID).Exec(ctx)
	if err != nil {
		return 0, s.db.wrapErr(err, "repoint merged MPI records")
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// AppendTrust stores one computed trust score.
func (s *MPIStore) AppendTrust(ctx context.Context, programmeID string, t mpi.Trust) error {
	if err := checkText(programmeID, t.MPIID); err != nil {
		return err
	}
	c := t.Components
	comp, _ := json.Marshal(componentsJSON{KYCVerified: c.KYCVerified, HasNIN: c.HasNIN, HasPhone: c.HasPhone,
		HasBirthDate: c.HasBirthDate, ProgrammesCount: c.ProgrammesCount, ProbableDuplicate: c.ProbableDuplicate, Inconsistent: c.Inconsistent})
	risks := make([]riskJSON, len(t.Risks))
	for i, r := range t.Risks {
		if err := checkText(r.Description); err != nil {
			return err
		}
		risks[i] = riskJSON{Type: string(r.Type), Severity: string(r.Severity), Description: r.Description, DetectedAt: dbTime(r.DetectedAt)}
	}
	riskB, _ := json.Marshal(risks)
	row := trustRow{ProgrammeID: programmeID, MPIID: t.MPIID, Score: t.Score, Level: string(t.Level),
		Components: string(comp), Risks: string(riskB), ComputedAt: dbTime(t.ComputedAt)}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return s.db.wrapErr(err, "append trust score")
	}
	return nil
}

// TrustHistory returns the newest limit scores, oldest first.
func (s *MPIStore) TrustHistory(ctx context.Context, programmeID, mpiID string, limit int) ([]mpi.Trust, error) {
	if err := checkText(programmeID, mpiID); err != nil {
		return nil, err
	}
	var rows []trustRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme_id = ?", programmeID).Where("mpi_id = ?", mpiID).
		OrderExpr("id DESC").Limit(int64(clampLimit(limit, 100, maxTrustHistory))).Scan(ctx)
	if err != nil {
		return nil, s.db.wrapErr(err, "load trust history")
	}
	out := make([]mpi.Trust, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		var c componentsJSON
		var risks []riskJSON
		if err := json.Unmarshal([]byte(r.Components), &c); err != nil {
			return nil, fmt.Errorf("trust history: components: %w", err)
		}
		if err := json.Unmarshal([]byte(r.Risks), &risks); err != nil {
			return nil, fmt.Errorf("trust history: risks: %w", err)
		}
		t := mpi.Trust{MPIID: r.MPIID, Score: r.Score, Level: mpi.Level(r.Level), ComputedAt: r.ComputedAt.UTC(),
			Components: mpi.Components{KYCVerified: c.KYCVerified, HasNIN: c.HasNIN, HasPhone: c.HasPhone, HasBirthDate: c.HasBirthDate,
				ProgrammesCount: c.ProgrammesCount, ProbableDuplicate: c.ProbableDuplicate, Inconsistent: c.Inconsistent}}
		for _, k := range risks {
			t.Risks = append(t.Risks, mpi.Risk{Type: mpi.RiskType(k.Type), Severity: mpi.Severity(k.Severity),
				Description: k.Description, DetectedAt: k.DetectedAt.UTC()})
		}
		out = append(out, t)
	}
	return out, nil
}

var _ ports.MPIBulkStore = (*MPIStore)(nil)

// mpiBatch bounds the values of one IN list and the rows of one multi-row
// INSERT of narrow rows; mpiRecordBatch the rows of one INSERT into
// mpi_records (22 columns). Both keep a statement well under every
// dialect's bound-parameter limit.
const (
	mpiBatch       = 2000
	mpiRecordBatch = 500
)

// bulkTx returns the *sql.Tx of ctx's transaction, for prepared
// statements; ok is false outside one.
func (s *MPIStore) bulkTx(ctx context.Context) (*sql.Tx, bool) {
	tx, ok := s.db.idb(ctx).(bun.Tx)
	if !ok || tx.Tx == nil {
		return nil, false
	}
	return tx.Tx, true
}

// placeholders rewrites the ? placeholders of a raw query into $n for
// PostgreSQL.
func (s *MPIStore) placeholders(q string) string {
	if s.db.Dialect != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// sqlTime and sqlBool render values as bun stores them in each dialect.
func (s *MPIStore) sqlTime(t time.Time) any {
	if s.db.Dialect == SQLite {
		return dbTime(t).Format("2006-01-02 15:04:05.999999-07:00")
	}
	return dbTime(t)
}

func (s *MPIStore) sqlBool(v bool) any {
	if s.db.Dialect == Postgres {
		return v
	}
	if v {
		return 1
	}
	return 0
}

// Statements of BlockedRecords: the ids under each key, read from the
// primary key of mpi_blocking_keys alone; the most recent perKey of an
// oversized block; then each record once.
const (
	blockedIDsQuery = `SELECT block_key, mpi_id FROM mpi_blocking_keys WHERE programme_id = ? AND block_key IN (`
	recentIDsQuery  = `SELECT k.mpi_id FROM mpi_blocking_keys k JOIN mpi_records r ON r.mpi_id = k.mpi_id
 WHERE k.block_key = ? AND k.programme_id = ? AND r.status = 'active' ORDER BY r.created_at DESC, k.mpi_id LIMIT ?`
	linkageRecordsQuery = `SELECT mpi_id, programme_id, first_name, last_name, date_of_birth, gender, region_code, district,
 country_code, phone_number, external_ids FROM mpi_records WHERE status = 'active' AND mpi_id IN (`
)

// BlockedRecords reads the records under keys with one narrow statement
// per mpiBatch keys (bound parameters, no per-key round trip), one per
// block larger than perKey, and one per mpiBatch records, in the caller's
// transaction or a new one.
func (s *MPIStore) BlockedRecords(ctx context.Context, programmeID string, keys []string, perKey int) (map[string][]string, []mpi.Record, error) {
	if err := checkText(programmeID); err != nil {
		return nil, nil, err
	}
	if err := checkText(keys...); err != nil {
		return nil, nil, err
	}
	perKey = clampLimit(perKey, maxCandidates, maxCandidates)
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var byKey map[string][]string
	var out []mpi.Record
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.ensureKeys(ctx); err != nil {
			return err
		}
		byKey, out = make(map[string][]string), nil
		tx, _ := s.bulkTx(ctx)
		for part := range slices.Chunk(keys, mpiBatch) {
			args := make([]any, 0, len(part)+1)
			args = append(args, programmeID)
			for _, k := range part {
				args = append(args, k)
			}
			q := blockedIDsQuery + strings.Repeat("?, ", len(part)-1) + "?)"
			if err := s.queryStrings(ctx, tx, q, args, func(v []string) error {
				byKey[v[0]] = append(byKey[v[0]], v[1])
				return nil
			}, 2); err != nil {
				return s.db.wrapErr(err, "look up MPI blocking keys")
			}
		}
		seen := map[string]bool{}
		var ids []string
		for k, ks := range byKey {
			if len(ks) > perKey {
				ks = ks[:0]
				err := s.queryStrings(ctx, tx, recentIDsQuery, []any{k, programmeID, perKey}, func(v []string) error {
					ks = append(ks, v[0])
					return nil
				}, 1)
				if err != nil {
					return s.db.wrapErr(err, "cap MPI block")
				}
			}
			slices.Sort(ks)
			byKey[k] = ks
			for _, id := range ks {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		slices.Sort(ids)
		active := make(map[string]bool, len(ids))
		for part := range slices.Chunk(ids, mpiBatch) {
			args := make([]any, len(part))
			for i, id := range part {
				args[i] = id
			}
			q := linkageRecordsQuery + strings.Repeat("?, ", len(part)-1) + "?) ORDER BY mpi_id"
			err := s.queryStrings(ctx, tx, q, args, func(v []string) error {
				r, err := linkageRecord(v)
				out = append(out, r)
				active[r.MPIID] = true
				return err
			}, 11)
			if err != nil {
				return s.db.wrapErr(err, "load blocked MPI records")
			}
		}
		for k, ks := range byKey { // a key left by a record no longer active
			if kept := slices.DeleteFunc(ks, func(id string) bool { return !active[id] }); len(kept) > 0 {
				byKey[k] = kept
			} else {
				delete(byKey, k)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return byKey, out, nil
}

// queryStrings runs q and calls row with the width text columns of each
// result row, stopping at the first error row returns. The slice is
// reused between calls; its strings are not.
func (s *MPIStore) queryStrings(ctx context.Context, tx *sql.Tx, q string, args []any, row func([]string) error, width int) error {
	rows, err := tx.QueryContext(ctx, s.placeholders(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]string, width)
	ptrs := make([]any, width)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := row(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// linkageRecord builds an active record, carrying what record linkage
// reads, from the columns of linkageRecordsQuery.
func linkageRecord(v []string) (mpi.Record, error) {
	r := mpi.Record{MPIID: v[0], ProgrammeID: v[1], FirstName: v[2], LastName: v[3], Gender: mpi.Gender(v[5]),
		RegionCode: v[6], District: v[7], CountryCode: v[8], PhoneNumber: v[9], Status: mpi.StatusActive}
	if dob := v[4]; dob != "" {
		d, err := time.Parse(dobLayout, dob)
		if err != nil {
			return r, fmt.Errorf("record %s: date of birth: %w", r.MPIID, err)
		}
		r.DateOfBirth = d
	}
	if ext := v[10]; ext != "{}" && ext != "" {
		if err := json.Unmarshal([]byte(ext), &r.ExternalIDs); err != nil {
			return r, fmt.Errorf("record %s: external ids: %w", r.MPIID, err)
		}
		if len(r.ExternalIDs) == 0 {
			r.ExternalIDs = nil
		}
	}
	return r, nil
}

const (
	insertRecordQuery = `INSERT INTO mpi_records (mpi_id, programme_id, first_name, last_name, search_name, date_of_birth,
 gender, region_code, district, country_code, phone_number, external_ids, programmes, links, status, is_verified,
 verified_by, merged_into, merged_at, merge_reason, created_at, updated_at) VALUES `
	insertKeyQuery = `INSERT INTO mpi_blocking_keys (programme_id, block_key, mpi_id) VALUES `
	insertExtQuery = `INSERT INTO mpi_external_ids (programme_id, id_key, id_value, mpi_id) VALUES `
)

// execRows runs prefix with one "(?, ...)" tuple of width values per row,
// perBatch rows per statement, bound parameters only.
func (s *MPIStore) execRows(ctx context.Context, tx *sql.Tx, prefix string, width, perBatch int, args []any) error {
	tuple := "(" + strings.Repeat("?, ", width-1) + "?)"
	for part := range slices.Chunk(args, width*perBatch) {
		n := len(part) / width
		q := prefix + strings.Repeat(tuple+", ", n-1) + tuple
		if _, err := tx.ExecContext(ctx, s.placeholders(q), part...); err != nil {
			return err
		}
	}
	return nil
}

// CreateRecords stores new records and their index with multi-row INSERTs
// of bound parameters, in the caller's transaction or a new one.
func (s *MPIStore) CreateRecords(ctx context.Context, rs []mpi.Record) error {
	if len(rs) == 0 {
		return nil
	}
	var recArgs, keyArgs, extArgs []any
	for _, r := range rs {
		row, err := newMPIRow(r)
		if err != nil {
			return err
		}
		var mergedAt any
		if row.MergedAt != nil {
			mergedAt = s.sqlTime(*row.MergedAt)
		}
		recArgs = append(recArgs, row.MPIID, row.ProgrammeID, row.FirstName, row.LastName, row.SearchName, row.DateOfBirth,
			row.Gender, row.RegionCode, row.District, row.CountryCode, row.PhoneNumber, row.ExternalIDs, row.Programmes, row.Links,
			row.Status, s.sqlBool(row.IsVerified), row.VerifiedBy, row.MergedInto, mergedAt, row.MergeReason,
			s.sqlTime(row.CreatedAt), s.sqlTime(row.UpdatedAt))
		if r.Status != mpi.StatusActive {
			continue
		}
		for _, k := range mpi.BlockingKeys(r) {
			keyArgs = append(keyArgs, r.ProgrammeID, k, r.MPIID)
		}
		for _, k := range slices.Sorted(maps.Keys(r.ExternalIDs)) {
			if v := r.ExternalIDs[k]; v != "" {
				extArgs = append(extArgs, r.ProgrammeID, k, v, r.MPIID)
			}
		}
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		tx, _ := s.bulkTx(ctx)
		if err := s.execRows(ctx, tx, insertRecordQuery, 22, mpiRecordBatch, recArgs); err != nil {
			if c, _ := classify(err); c == classUnique {
				return &fault.Error{Kind: fault.Conflict, Code: errMPIIDTaken.Code, Msg: errMPIIDTaken.Msg, Err: err}
			}
			return s.db.wrapErr(err, "create MPI records")
		}
		if err := s.execRows(ctx, tx, insertKeyQuery, 3, mpiBatch, keyArgs); err != nil {
			return s.db.wrapErr(err, "index MPI blocking keys")
		}
		if err := s.execRows(ctx, tx, insertExtQuery, 4, mpiBatch, extArgs); err != nil {
			if c, _ := classify(err); c == classUnique {
				return &fault.Error{Kind: fault.Conflict, Code: errMPIExtIDTaken.Code, Msg: errMPIExtIDTaken.Msg, Err: err}
			}
			return s.db.wrapErr(err, "index MPI external ids")
		}
		return nil
	})
}

var _ ports.MPIRegistryStore = (*MPIStore)(nil)

// RegistryStats counts the records of every programme with a few COUNT
// statements.
func (s *MPIStore) RegistryStats(ctx context.Context, since time.Time) (ports.MPIStats, error) {
	var out ports.MPIStats
	idb := s.db.idb(ctx)
	active := func() *bun.SelectQuery {
		return idb.NewSelect().Model((*mpiRecordRow)(nil)).Where("status = ?", string(mpi.StatusActive))
	}
	counts := []struct {
		q    *bun.SelectQuery
		dst  *int
		what string
	}{
		{active(), &out.TotalRecords, "count MPI records"},
		{active().Where("is_verified = ?", true), &out.VerifiedRecords, "count verified MPI records"},
		{active().Where("links <> ?", "[]"), &out.LinkedRecords, "count linked MPI records"},
		{idb.NewSelect().Model((*mpiRecordRow)(nil)).Where("status = ?", string(mpi.StatusMerged)).
			Where("merged_at >= ?", dbTime(since)), &out.MergesSince, "count MPI merges"},
	}
	for _, c := range counts {
		n, err := c.q.Count(ctx)
		if err != nil {
			return out, s.db.wrapErr(err, c.what)
		}
		*c.dst = int(n)
	}
	if err := active().ColumnExpr("COUNT(DISTINCT programme_id)").Scan(ctx, &out.Programmes); err != nil {
		return out, s.db.wrapErr(err, "count MPI programmes")
	}
	return out, nil
}

// AllRecords lists records across programmes.
func (s *MPIStore) AllRecords(ctx context.Context, f ports.MPIAdminFilter) ([]mpi.Record, int, error) {
	if err := checkText(f.Name, f.ProgrammeID, f.CountryCode); err != nil {
		return nil, 0, err
	}
	var rows []mpiRecordRow
	q := s.db.idb(ctx).NewSelect().Model(&rows)
	for _, w := range mpi.NameTokens(f.Name) {
		q = q.Where("search_name LIKE ?", "%"+w+"%")
	}
	if f.Verified != nil {
		q = q.Where("is_verified = ?", *f.Verified)
	}
	if f.ProgrammeID != "" {
		q = q.Where("programme_id = ?", f.ProgrammeID)
	}
	if f.CountryCode != "" {
		q = q.Where("country_code = ?", f.CountryCode)
	}
	n, err := q.OrderExpr("mpi_id").Limit(int64(clampLimit(f.Limit, defaultMPISearchLimit, maxMPISearchLimit))).
		Offset(int64(max(0, f.Offset))).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, s.db.wrapErr(err, "list MPI records")
	}
	out, err := records(rows)
	return out, int(n), err
}
