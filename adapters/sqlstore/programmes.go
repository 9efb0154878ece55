package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.ProgrammeStore     = (*ProgrammeStore)(nil)
	_ ports.ProgrammeUserStore = (*ProgrammeUserStore)(nil)
	_ ports.RefreshTokenStore  = (*RefreshTokenStore)(nil)
	_ ports.ModuleChecker      = (*ModuleChecker)(nil)
)

// ProgrammeStore keeps Oomus programmes in the programmes table. It
// implements ports.ProgrammeStore.
type ProgrammeStore struct{ db *DB }

// NewProgrammeStore returns a ProgrammeStore on db, which must be migrated.
func NewProgrammeStore(db *DB) *ProgrammeStore { return &ProgrammeStore{db: db} }

type programmeRow struct {
	bun.BaseModel `bun:"table:programmes"`

	ID             string    `bun:"id,pk"`
	Email          string    `bun:"email"`
	Name           string    `bun:"name"`
	Country        string    `bun:"country"`
	Currency       string    `bun:"currency"`
	Phone          string    `bun:"phone"`
	Plan           string    `bun:"plan"`
	Status         string    `bun:"status"`
	BalanceFCFA    int64     `bun:"balance_fcfa"`
	CardsGenerated int64     `bun:"cards_generated"`
	IsAdmin        bool      `bun:"is_admin"`
	LogoURL        string    `bun:"logo_url"`
	CreatedAt      time.Time `bun:"created_at"`
	UpdatedAt      time.Time `bun:"updated_at"`
}

func newProgrammeRow(p programme.Programme) (programmeRow, error) {
	if err := checkText(p.ID, p.Email, p.Name, p.Country, p.Currency, p.Phone, p.Plan, string(p.Status), p.LogoURL); err != nil {
		return programmeRow{}, err
	}
	return programmeRow{
		ID: p.ID, Email: p.Email, Name: p.Name, Country: p.Country, Currency: p.Currency, Phone: p.Phone, Plan: p.Plan,
		Status: string(p.Status), BalanceFCFA: p.BalanceFCFA, CardsGenerated: p.CardsGenerated, IsAdmin: p.IsAdmin,
		LogoURL: p.LogoURL, CreatedAt: dbTime(p.CreatedAt), UpdatedAt: dbTime(p.UpdatedAt),
	}, nil
}

func (r *programmeRow) programme() programme.Programme {
	return programme.Programme{
		ID: r.ID, Email: r.Email, Name: r.Name, Country: r.Country, Currency: r.Currency, Phone: r.Phone, Plan: r.Plan,
		Status: programme.Status(r.Status), BalanceFCFA: r.BalanceFCFA, CardsGenerated: r.CardsGenerated, IsAdmin: r.IsAdmin,
		LogoURL: r.LogoURL, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

var (
	errProgrammeNotFound = fault.New(fault.NotFound, "programme.not_found", "Programme not found")
	errPUserNotFound     = fault.New(fault.NotFound, "programme.user_not_found", "User not found")
	errPSessionNotFound  = fault.New(fault.NotFound, "programme.session_not_found", "Session not found")
	errRefreshNotFound   = fault.New(fault.NotFound, "programme.refresh_not_found", "Refresh token not found")
)

// CreateProgramme stores a new programme; a taken id is fault.Conflict.
func (s *ProgrammeStore) CreateProgramme(ctx context.Context, p programme.Programme) error {
	row, err := newProgrammeRow(p)
	if err != nil {
		return err
	}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return conflictOr(s.db, err, "programme.id_taken", "create programme")
	}
	return nil
}

// conflictOr turns a unique violation into fault.Conflict with code and
// wraps anything else.
func conflictOr(db *DB, err error, code, op string) error {
	if c, _ := classify(err); c == classUnique {
		return &fault.Error{Kind: fault.Conflict, Code: code, Msg: "The record already exists", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return db.wrapErr(err, op)
}

// ProgrammeByID returns fault.NotFound when absent.
func (s *ProgrammeStore) ProgrammeByID(ctx context.Context, id string) (programme.Programme, error) {
	if err := checkText(id); err != nil {
		return programme.Programme{}, err
	}
	var row programmeRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("id = ?", id).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return programme.Programme{}, errProgrammeNotFound
	}
	if err != nil {
		return programme.Programme{}, s.db.wrapErr(err, "load programme")
	}
	return row.programme(), nil
}

// UpdateProgramme locks the row (FOR UPDATE outside SQLite), applies fn and
// writes every column but the id and the balance.
func (s *ProgrammeStore) UpdateProgramme(ctx context.Context, id string, fn func(*programme.Programme) error) (programme.Programme, error) {
	if err := checkText(id); err != nil {
		return programme.Programme{}, err
	}
	var out programme.Programme
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var row programmeRow
		q := idb.NewSelect().Model(&row).Where("id = ?", id)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); isNoRows(err) {
			return errProgrammeNotFound
		} else if err != nil {
			return s.db.wrapErr(err, "load programme for update")
		}
		p := row.programme()
		if err := fn(&p); err != nil {
			return err
		}
		p.ID, p.BalanceFCFA = id, row.BalanceFCFA
		next, err := newProgrammeRow(p)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&next).WherePK().ExcludeColumn("balance_fcfa").Exec(ctx); err != nil {
			return s.db.wrapErr(err, "update programme")
		}
		out = next.programme()
		return nil
	})
	return out, err
}

// ListProgrammes returns programmes newest first (id breaks ties) and the
// total.
func (s *ProgrammeStore) ListProgrammes(ctx context.Context, limit, offset int) ([]programme.Programme, int, error) {
	limit, offset = min(max(limit, 1), 500), max(offset, 0)
	var rows []programmeRow
	n, err := s.db.idb(ctx).NewSelect().Model(&rows).OrderExpr("created_at DESC, id DESC").
		Limit(int64(limit)).Offset(int64(offset)).ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list programmes")
	}
	out := make([]programme.Programme, len(rows))
	for i := range rows {
		out[i] = rows[i].programme()
	}
	return out, int(n), nil
}

// DeleteProgramme removes a programme; its users, sessions, refresh tokens
// and module rows go with it (ON DELETE CASCADE).
func (s *ProgrammeStore) DeleteProgramme(ctx context.Context, id string) error {
	if err := checkText(id); err != nil {
		return err
	}
	res, err := s.db.idb(ctx).NewDelete().Model((*programmeRow)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return s.db.wrapErr(err, "delete programme")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errProgrammeNotFound
	}
	return nil
}

// ProgrammeUserStore keeps programme users in programme_users. It implements
// ports.ProgrammeUserStore.
type ProgrammeUserStore struct{ db *DB }

// NewProgrammeUserStore returns a ProgrammeUserStore on db, which must be
// migrated.
func NewProgrammeUserStore(db *DB) *ProgrammeUserStore { return &ProgrammeUserStore{db: db} }

type programmeUserRow struct {
	bun.BaseModel `bun:"table:programme_users"`

	ID           string     `bun:"id,pk"`
	ProgrammeID  string     `bun:"programme_id"`
	Email        string     `bun:"email"`
	Name         string     `bun:"name"`
	Role         string     `bun:"role"`
	Status       string     `bun:"status"`
	PasswordHash string     `bun:"password_hash"`
	TokenVersion int64      `bun:"token_version"`
	TOTPSecret   string     `bun:"totp_secret"`
	TOTPEnabled  bool       `bun:"totp_enabled"`
	TOTPLastStep int64      `bun:"totp_last_step"`
	FailedLogins int        `bun:"failed_logins"`
	LockedUntil  *time.Time `bun:"locked_until"`
	LastLogin    *time.Time `bun:"last_login"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`
}

func newProgrammeUserRow(u programme.User) (programmeUserRow, error) {
	if err := checkText(u.ID, u.ProgrammeID, u.Email, u.Name, string(u.Role), string(u.Status), u.PasswordHash, u.TOTPSecret); err != nil {
		return programmeUserRow{}, err
	}
	return programmeUserRow{
		ID: u.ID, ProgrammeID: u.ProgrammeID, Email: u.Email, Name: u.Name, Role: string(u.Role), Status: string(u.Status),
		PasswordHash: u.PasswordHash, TokenVersion: u.TokenVersion, TOTPSecret: u.TOTPSecret, TOTPEnabled: u.TOTPEnabled,
		TOTPLastStep: u.TOTPLastStep, FailedLogins: u.FailedLogins, LockedUntil: dbTimePtr(u.LockedUntil),
		LastLogin: dbTimePtr(u.LastLogin), CreatedAt: dbTime(u.CreatedAt), UpdatedAt: dbTime(u.UpdatedAt),
	}, nil
}

func (r *programmeUserRow) user() programme.User {
	return programme.User{
		ID: r.ID, ProgrammeID: r.ProgrammeID, Email: r.Email, Name: r.Name, Role: programme.Role(r.Role),
		Status: programme.Status(r.Status), PasswordHash: r.PasswordHash, TokenVersion: r.TokenVersion,
		TOTPSecret: r.TOTPSecret, TOTPEnabled: r.TOTPEnabled, TOTPLastStep: r.TOTPLastStep, FailedLogins: r.FailedLogins,
		LockedUntil: utcPtr(r.LockedUntil), LastLogin: utcPtr(r.LastLogin), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

var errPEmailTaken = fault.New(fault.Conflict, "programme.email_taken", "An account with this email already exists").WithField("email")

// userWriteErr translates a write error: a unique violation on the email is
// "programme.email_taken" (told by constraint name on PostgreSQL and by a
// query elsewhere), a missing programme fault.NotFound.
func (s *ProgrammeUserStore) userWriteErr(ctx context.Context, err error, row programmeUserRow, op string) error {
	class, constraint := classify(err)
	switch class {
	case classForeignKey:
		return &fault.Error{Kind: fault.NotFound, Code: errProgrammeNotFound.Code, Msg: errProgrammeNotFound.Msg, Err: err}
	case classUnique:
		taken := constraint == "programme_users_email_key"
		if constraint == "" {
			n, qerr := s.db.idb(ctx).NewSelect().Model((*programmeUserRow)(nil)).
				Where("email = ?", row.Email).Where("id <> ?", row.ID).Count(ctx)
			taken = qerr == nil && n > 0
		}
		if taken {
			e := *errPEmailTaken
			e.Err = fmt.Errorf("%s: %w", op, err)
			return &e
		}
		return &fault.Error{Kind: fault.Conflict, Code: "programme.id_taken", Msg: "The record already exists", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return s.db.wrapErr(err, op)
}

// CreateProgrammeUser stores a new user of an existing programme.
func (s *ProgrammeUserStore) CreateProgrammeUser(ctx context.Context, u programme.User) error {
	row, err := newProgrammeUserRow(u)
	if err != nil {
		return err
	}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return s.userWriteErr(ctx, err, row, "create programme user")
	}
	return nil
}

// ProgrammeUserByID returns fault.NotFound when absent.
func (s *ProgrammeUserStore) ProgrammeUserByID(ctx context.Context, id string) (programme.User, error) {
	return s.userBy(ctx, "id", id)
}

// ProgrammeUserByEmail returns fault.NotFound when absent.
func (s *ProgrammeUserStore) ProgrammeUserByEmail(ctx context.Context, email string) (programme.User, error) {
	return s.userBy(ctx, "email", email)
}

func (s *ProgrammeUserStore) userBy(ctx context.Context, column, value string) (programme.User, error) {
	if err := checkText(value); err != nil {
		return programme.User{}, err
	}
	var row programmeUserRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("? = ?", bun.Ident(column), value).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return programme.User{}, errPUserNotFound
	}
	if err != nil {
		return programme.User{}, s.db.wrapErr(err, "load programme user by "+column)
	}
	return row.user(), nil
}

// ProgrammeUsers lists a programme's users, oldest first.
func (s *ProgrammeUserStore) ProgrammeUsers(ctx context.Context, programmeID string) ([]programme.User, error) {
	if err := checkText(programmeID); err != nil {
		return nil, err
	}
	var rows []programmeUserRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme_id = ?", programmeID).OrderExpr("created_at ASC, id ASC").Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list programme users")
	}
	out := make([]programme.User, len(rows))
	for i := range rows {
		out[i] = rows[i].user()
	}
	return out, nil
}

// UpdateProgrammeUser locks the row, applies fn and writes the result; the
// id and programme are kept.
func (s *ProgrammeUserStore) UpdateProgrammeUser(ctx context.Context, id string, fn func(*programme.User) error) (programme.User, error) {
	if err := checkText(id); err != nil {
		return programme.User{}, err
	}
	var out programme.User
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var row programmeUserRow
		q := idb.NewSelect().Model(&row).Where("id = ?", id)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); isNoRows(err) {
			return errPUserNotFound
		} else if err != nil {
			return s.db.wrapErr(err, "load programme user for update")
		}
		u := row.user()
		if err := fn(&u); err != nil {
			return err
		}
		u.ID, u.ProgrammeID = id, row.ProgrammeID
		next, err := newProgrammeUserRow(u)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&next).WherePK().Exec(ctx); err != nil {
			return s.userWriteErr(ctx, err, next, "update programme user")
		}
		out = next.user()
		return nil
	})
	return out, err
}

// RefreshTokenStore keeps sessions and refresh-token hashes. It implements
// ports.RefreshTokenStore.
type RefreshTokenStore struct{ db *DB }

// NewRefreshTokenStore returns a RefreshTokenStore on db, which must be
// migrated.
func NewRefreshTokenStore(db *DB) *RefreshTokenStore { return &RefreshTokenStore{db: db} }

type programmeSessionRow struct {
	bun.BaseModel `bun:"table:programme_sessions"`

	ID          string     `bun:"id,pk"`
	UserID      string     `bun:"user_id"`
	ProgrammeID string     `bun:"programme_id"`
	IP          string     `bun:"ip"`
	UserAgent   string     `bun:"user_agent"`
	CreatedAt   time.Time  `bun:"created_at"`
	ExpiresAt   time.Time  `bun:"expires_at"`
	RevokedAt   *time.Time `bun:"revoked_at"`
}

type refreshTokenRow struct {
	bun.BaseModel `bun:"table:programme_refresh_tokens"`

	TokenHash string     `bun:"token_hash,pk"`
	SessionID string     `bun:"session_id"`
	UserID    string     `bun:"user_id"`
	IssuedAt  time.Time  `bun:"issued_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

func (r *refreshTokenRow) token() programme.RefreshToken {
	return programme.RefreshToken{Hash: r.TokenHash, SessionID: r.SessionID, UserID: r.UserID,
		IssuedAt: r.IssuedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), UsedAt: utcPtr(r.UsedAt)}
}

// CreateProgrammeSession stores a new session.
func (s *RefreshTokenStore) CreateProgrammeSession(ctx context.Context, ss programme.Session) error {
	if err := checkText(ss.ID, ss.UserID, ss.ProgrammeID, ss.IP, ss.UserAgent); err != nil {
		return err
	}
	row := programmeSessionRow{ID: ss.ID, UserID: ss.UserID, ProgrammeID: ss.ProgrammeID, IP: ss.IP, UserAgent: ss.UserAgent,
		CreatedAt: dbTime(ss.CreatedAt), ExpiresAt: dbTime(ss.ExpiresAt), RevokedAt: dbTimePtr(ss.RevokedAt)}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return conflictOr(s.db, err, "programme.session_taken", "create programme session")
	}
	return nil
}

// ProgrammeSession returns a session, revoked or not.
func (s *RefreshTokenStore) ProgrammeSession(ctx context.Context, id string) (programme.Session, error) {
	if err := checkText(id); err != nil {
		return programme.Session{}, err
	}
	var row programmeSessionRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("id = ?", id).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return programme.Session{}, errPSessionNotFound
	}
	if err != nil {
		return programme.Session{}, s.db.wrapErr(err, "load programme session")
	}
	return programme.Session{ID: row.ID, UserID: row.UserID, ProgrammeID: row.ProgrammeID, IP: row.IP, UserAgent: row.UserAgent,
		CreatedAt: row.CreatedAt.UTC(), ExpiresAt: row.ExpiresAt.UTC(), RevokedAt: utcPtr(row.RevokedAt)}, nil
}

// RevokeProgrammeSessions revokes the user's unrevoked sessions (one when
// sessionID is set).
func (s *RefreshTokenStore) RevokeProgrammeSessions(ctx context.Context, userID, sessionID string, at time.Time) (int, error) {
	if err := checkText(userID, sessionID); err != nil {
		return 0, err
	}
	q := s.db.idb(ctx).NewUpdate().Model((*programmeSessionRow)(nil)).Set("revoked_at = ?", dbTime(at)).
		Where("user_id = ?", userID).Where("revoked_at IS NULL")
	if sessionID != "" {
		q = q.Where("id = ?", sessionID)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, s.db.wrapErr(err, "revoke programme sessions")
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// AddRefreshToken stores an issued refresh token's hash.
func (s *RefreshTokenStore) AddRefreshToken(ctx context.Context, t programme.RefreshToken) error {
	if err := checkText(t.Hash, t.SessionID, t.UserID); err != nil {
		return err
	}
	row := refreshTokenRow{TokenHash: t.Hash, SessionID: t.SessionID, UserID: t.UserID, IssuedAt: dbTime(t.IssuedAt),
		ExpiresAt: dbTime(t.ExpiresAt), UsedAt: dbTimePtr(t.UsedAt)}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		if c, _ := classify(err); c == classForeignKey {
			return &fault.Error{Kind: fault.NotFound, Code: errPSessionNotFound.Code, Msg: errPSessionNotFound.Msg, Err: err}
		}
		return conflictOr(s.db, err, "programme.refresh_taken", "add refresh token")
	}
	return nil
}

// UseRefreshToken marks a token used with a compare-and-set update (used_at
// IS NULL), so of concurrent callers exactly one wins.
func (s *RefreshTokenStore) UseRefreshToken(ctx context.Context, hash string, at time.Time) (programme.RefreshToken, error) {
	if err := checkText(hash); err != nil {
		return programme.RefreshToken{}, err
	}
	var out programme.RefreshToken
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var row refreshTokenRow
		if err := idb.NewSelect().Model(&row).Where("token_hash = ?", hash).Limit(1).Scan(ctx); isNoRows(err) {
			return errRefreshNotFound
		} else if err != nil {
			return s.db.wrapErr(err, "load refresh token")
		}
		out = row.token()
		res, err := idb.NewUpdate().Model((*refreshTokenRow)(nil)).Set("used_at = ?", dbTime(at)).
			Where("token_hash = ?", hash).Where("used_at IS NULL").Exec(ctx)
		if err != nil {
			return s.db.wrapErr(err, "use refresh token")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "programme.refresh_reused", "This refresh token was already used")
		}
		return nil
	})
	return out, err
}

// ModuleChecker reads the programme_modules table the billing context
// fills. It implements ports.ModuleChecker.
type ModuleChecker struct{ db *DB }

// NewModuleChecker returns a ModuleChecker on db, which must be migrated.
func NewModuleChecker(db *DB) *ModuleChecker { return &ModuleChecker{db: db} }

// ModuleStatusActive is the programme_modules.status of a module in use.
const ModuleStatusActive = "active"

// ModuleActive applies programme.ModuleOn to the programme's plan and its
// programme_modules row of key: a module the plan bundles is active without
// a row, unless a row switches it off.
func (m *ModuleChecker) ModuleActive(ctx context.Context, programmeID, key string) (bool, error) {
	if err := checkText(programmeID, key); err != nil {
		return false, err
	}
	var plan string
	err := m.db.idb(ctx).NewSelect().Table("programmes").Column("plan").Where("id = ?", programmeID).Scan(ctx, &plan)
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, m.db.wrapErr(err, "check module")
	}
	var rows []moduleRow
	err = m.db.idb(ctx).NewSelect().Model(&rows).Where("programme_id = ?", programmeID).Where("module_key = ?", key).Scan(ctx)
	if err != nil && !isNoRows(err) {
		return false, m.db.wrapErr(err, "check module")
	}
	if len(rows) == 0 {
		return programme.ModuleOn(plan, key, nil), nil
	}
	return programme.ModuleOn(plan, key, &programme.ModuleState{Key: key, Status: rows[0].Status, IncludedInPlan: rows[0].IncludedInPlan}), nil
}
