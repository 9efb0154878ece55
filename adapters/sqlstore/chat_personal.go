package sqlstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.FolderStore = (*FolderStore)(nil)
	_ ports.MemoryStore = (*MemoryStore)(nil)
	_ ports.AgentStore  = (*AgentStore)(nil)
)

var (
	errFolderGone     = fault.New(fault.NotFound, ports.CodeFolderNotFound, "Folder not found")
	errMemoryNotFound = fault.New(fault.NotFound, ports.CodeMemoryNotFound, "Memory not found")
	errAgentGone      = fault.New(fault.NotFound, ports.CodeAgentNotFound, "Agent not found")
	errAgentNameTaken = &fault.Error{Kind: fault.Conflict, Code: ports.CodeAgentNameTaken, Msg: "An agent with this name already exists", Field: "name"}
)

// FolderStore keeps conversation folders in the folders table. It
// implements ports.FolderStore.
type FolderStore struct {
	db *DB
}

// NewFolderStore returns a FolderStore on db, which must be migrated.
func NewFolderStore(db *DB) *FolderStore { return &FolderStore{db: db} }

type folderRow struct {
	bun.BaseModel `bun:"table:folders"`

	ID                string    `bun:"id,pk"`
	UserID            string    `bun:"user_id"`
	Name              string    `bun:"name"`
	Color             string    `bun:"color"`
	SortOrder         int       `bun:"sort_order"`
	CreatedAt         time.Time `bun:"created_at"`
	UpdatedAt         time.Time `bun:"updated_at"`
	ConversationCount int       `bun:"conversation_count,scanonly"`
}

const folderCols = `f.id, f.user_id, f.name, f.color, f.sort_order, f.created_at, f.updated_at,
	(SELECT COUNT(*) FROM conversations fc WHERE fc.folder_id = f.id) AS conversation_count`

func newFolderRow(f chat.Folder) (folderRow, error) {
	if err := checkText(f.ID, f.UserID, f.Name, f.Color); err != nil {
		return folderRow{}, err
	}
	if f.Color == "" {
		f.Color = chat.DefaultFolderColor
	}
	return folderRow{
		ID: f.ID, UserID: f.UserID, Name: f.Name, Color: f.Color, SortOrder: f.SortOrder,
		CreatedAt: dbTime(f.CreatedAt), UpdatedAt: dbTime(f.UpdatedAt),
	}, nil
}

func (r *folderRow) folder() chat.Folder {
	return chat.Folder{
		ID: r.ID, UserID: r.UserID, Name: r.Name, Color: r.Color, SortOrder: r.SortOrder,
		ConversationCount: r.ConversationCount, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// CreateFolder implements ports.FolderStore.
func (s *FolderStore) CreateFolder(ctx context.Context, f chat.Folder) (chat.Folder, error) {
	row, err := newFolderRow(f)
	if err != nil {
		return chat.Folder{}, err
	}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return chat.Folder{}, s.db.chatWriteErr(err, "create folder", errChatUserNotFound)
	}
	return row.folder(), nil
}

// Folders implements ports.FolderStore.
func (s *FolderStore) Folders(ctx context.Context, userID string) ([]chat.Folder, error) {
	if err := checkText(userID); err != nil {
		return nil, err
	}
	var rows []folderRow
	err := s.db.idb(ctx).NewRaw("SELECT "+folderCols+" FROM folders f WHERE f.user_id = ? ORDER BY f.sort_order, f.created_at, f.id", userID).
		Scan(ctx, &rows)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list folders")
	}
	out := make([]chat.Folder, len(rows))
	for i := range rows {
		out[i] = rows[i].folder()
	}
	return out, nil
}

// Folder implements ports.FolderStore.
func (s *FolderStore) Folder(ctx context.Context, userID, id string) (chat.Folder, error) {
	if err := checkText(userID, id); err != nil {
		return chat.Folder{}, err
	}
	return s.load(ctx, s.db.idb(ctx), "f.id = ? AND f.user_id = ?", id, userID)
}

func (s *FolderStore) load(ctx context.Context, idb bun.IDB, where string, args ...any) (chat.Folder, error) {
	var rows []folderRow
	if err := idb.NewRaw("SELECT "+folderCols+" FROM folders f WHERE "+where, args...).Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return chat.Folder{}, s.db.wrapErr(err, "load folder")
	}
	if len(rows) == 0 {
		return chat.Folder{}, errFolderGone
	}
	return rows[0].folder(), nil
}

// UpdateFolder implements ports.FolderStore.
func (s *FolderStore) UpdateFolder(ctx context.Context, userID, id string, fn func(*chat.Folder) error) (chat.Folder, error) {
	if err := checkText(userID, id); err != nil {
		return chat.Folder{}, err
	}
	var out chat.Folder
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		where := "f.id = ? AND f.user_id = ?"
		if s.db.Dialect != SQLite {
			where += " FOR UPDATE"
		}
		cur, err := s.load(ctx, idb, where, id, userID)
		if err != nil {
			return err
		}
		next := cur
		if err := fn(&next); err != nil {
			return err
		}
		next.ID, next.UserID, next.CreatedAt, next.ConversationCount = cur.ID, cur.UserID, cur.CreatedAt, cur.ConversationCount
		row, err := newFolderRow(next)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&row).Column("name", "color", "sort_order", "updated_at").WherePK().Exec(ctx); err != nil {
			return s.db.wrapErr(err, "update folder")
		}
		out = row.folder()
		out.ConversationCount = cur.ConversationCount
		return nil
	})
	return out, err
}

// DeleteFolder implements ports.FolderStore. Its conversations are unfiled
// by the foreign key's ON DELETE SET NULL.
func (s *FolderStore) DeleteFolder(ctx context.Context, userID, id string) error {
	if err := checkText(userID, id); err != nil {
		return err
	}
	res, err := s.db.idb(ctx).NewDelete().Table("folders").Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
	return s.db.affectedOne(res, err, "delete folder", errFolderGone)
}

// MemoryStore keeps user memories in the user_memories table. It
// implements ports.MemoryStore.
type MemoryStore struct {
	db *DB
}

// NewMemoryStore returns a MemoryStore on db, which must be migrated.
func NewMemoryStore(db *DB) *MemoryStore { return &MemoryStore{db: db} }

type memoryRow struct {
	bun.BaseModel `bun:"table:user_memories"`

	ID        string    `bun:"id,pk"`
	UserID    string    `bun:"user_id"`
	Key       string    `bun:"memory_key"`
	Value     string    `bun:"value"`
	Type      string    `bun:"type"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

func (r *memoryRow) memory() chat.Memory {
	return chat.Memory{
		ID: r.ID, UserID: r.UserID, Key: r.Key, Value: r.Value, Type: chat.MemoryType(r.Type),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// Memories implements ports.MemoryStore.
func (s *MemoryStore) Memories(ctx context.Context, userID string) ([]chat.Memory, error) {
	if err := checkText(userID); err != nil {
		return nil, err
	}
	var rows []memoryRow
	if err := s.db.idb(ctx).NewSelect().Model(&rows).Where("user_id = ?", userID).Order("created_at", "id").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list memories")
	}
	out := make([]chat.Memory, len(rows))
	for i := range rows {
		out[i] = rows[i].memory()
	}
	return out, nil
}

// UpsertMemory implements ports.MemoryStore with one atomic upsert whose
// update is conditional (the SQL form of chat.MayReplace: an incoming auto
// memory leaves a stored preference or instruction alone), then reads the
// key back.
func (s *MemoryStore) UpsertMemory(ctx context.Context, m chat.Memory) (chat.Memory, error) {
	if err := checkText(m.ID, m.UserID, m.Key, m.Value, string(m.Type)); err != nil {
		return chat.Memory{}, err
	}
	if !m.Type.Valid() {
		return chat.Memory{}, fault.Field("type", "chat.invalid_memory_type", "type must be preference, fact, auto or instruction")
	}
	if m.Key == "" {
		return chat.Memory{}, fault.Field("key", "chat.invalid_memory_key", "key is required")
	}
	var q string
	switch s.db.Dialect {
	case MySQL:
		// Assignments run left to right and see earlier ones, so type,
		// which the condition reads, is assigned last.
		cond := "VALUES(type) = 'auto' AND type IN ('preference', 'instruction')"
		q = `INSERT INTO user_memories (id, user_id, memory_key, value, type, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE
			value = IF(` + cond + `, value, VALUES(value)),
			updated_at = IF(` + cond + `, updated_at, VALUES(updated_at)),
			type = IF(` + cond + `, type, VALUES(type))`
	default:
		q = `INSERT INTO user_memories (id, user_id, memory_key, value, type, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, memory_key) DO UPDATE
			SET value = excluded.value, type = excluded.type, updated_at = excluded.updated_at
			WHERE NOT (excluded.type = 'auto' AND user_memories.type IN ('preference', 'instruction'))`
	}
	idb := s.db.idb(ctx)
	if _, err := idb.ExecContext(ctx, q, m.ID, m.UserID, m.Key, m.Value, string(m.Type), dbTime(m.CreatedAt), dbTime(m.UpdatedAt)); err != nil {
		return chat.Memory{}, s.db.chatWriteErr(err, "upsert memory", errChatUserNotFound)
	}
	var row memoryRow
	if err := idb.NewSelect().Model(&row).Where("user_id = ? AND memory_key = ?", m.UserID, m.Key).Limit(1).Scan(ctx); err != nil {
		return chat.Memory{}, s.db.wrapErr(err, "load memory")
	}
	return row.memory(), nil
}

// DeleteMemory implements ports.MemoryStore.
func (s *MemoryStore) DeleteMemory(ctx context.Context, userID, id string) error {
	if err := checkText(userID, id); err != nil {
		return err
	}
	res, err := s.db.idb(ctx).NewDelete().Table("user_memories").Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
	return s.db.affectedOne(res, err, "delete memory", errMemoryNotFound)
}

// AgentStore keeps agents in the agents table. It implements
// ports.AgentStore.
type AgentStore struct {
	db *DB
}

// NewAgentStore returns an AgentStore on db, which must be migrated.
func NewAgentStore(db *DB) *AgentStore { return &AgentStore{db: db} }

type agentRow struct {
	bun.BaseModel `bun:"table:agents"`

	ID                string    `bun:"id,pk"`
	Name              string    `bun:"name"`
	Description       string    `bun:"description"`
	SystemPrompt      string    `bun:"system_prompt"`
	Avatar            string    `bun:"avatar"`
	Category          string    `bun:"category"`
	Department        string    `bun:"department"`
	KnowledgeCategory string    `bun:"knowledge_category"`
	Model             string    `bun:"model"`
	Audience          string    `bun:"audience"`
	RequiresPaid      bool      `bun:"requires_paid"`
	Active            bool      `bun:"active"`
	CreatedBy         string    `bun:"created_by"`
	CreatedAt         time.Time `bun:"created_at"`
	UpdatedAt         time.Time `bun:"updated_at"`
	ConversationCount int       `bun:"conversation_count,scanonly"`
}

const agentCols = `a.id, a.name, a.description, a.system_prompt, a.avatar, a.category, a.department,
	a.knowledge_category, a.model, a.audience, a.requires_paid, a.active, a.created_by, a.created_at, a.updated_at,
	(SELECT COUNT(*) FROM conversations ac WHERE ac.agent_id = a.id) AS conversation_count`

func newAgentRow(a chat.Agent) (agentRow, error) {
	if err := checkText(a.ID, a.Name, a.Description, a.SystemPrompt, a.Avatar, a.Category, a.Department,
		a.KnowledgeCategory, a.Model, string(a.Audience), a.CreatedBy); err != nil {
		return agentRow{}, err
	}
	if a.Audience == "" {
		a.Audience = chat.AudienceAll
	}
	if !a.Audience.Valid() {
		return agentRow{}, fault.Field("userType", "chat.invalid_audience", "userType must be all, government or student")
	}
	if a.Name == "" {
		return agentRow{}, fault.Field("name", "chat.invalid_agent_name", "name is required")
	}
	return agentRow{
		ID: a.ID, Name: a.Name, Description: a.Description, SystemPrompt: a.SystemPrompt, Avatar: a.Avatar,
		Category: a.Category, Department: a.Department, KnowledgeCategory: a.KnowledgeCategory, Model: a.Model,
		Audience: string(a.Audience), RequiresPaid: a.RequiresPaid, Active: a.Active, CreatedBy: a.CreatedBy,
		CreatedAt: dbTime(a.CreatedAt), UpdatedAt: dbTime(a.UpdatedAt),
	}, nil
}

func (r *agentRow) agent() chat.Agent {
	return chat.Agent{
		ID: r.ID, Name: r.Name, Description: r.Description, SystemPrompt: r.SystemPrompt, Avatar: r.Avatar,
		Category: r.Category, Department: r.Department, KnowledgeCategory: r.KnowledgeCategory, Model: r.Model,
		Audience: chat.Audience(r.Audience), RequiresPaid: r.RequiresPaid, Active: r.Active, CreatedBy: r.CreatedBy,
		ConversationCount: r.ConversationCount, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// Agents implements ports.AgentStore.
func (s *AgentStore) Agents(ctx context.Context, f ports.AgentFilter) ([]chat.Agent, error) {
	if err := checkText(string(f.Audience)); err != nil {
		return nil, err
	}
	where, args := "1 = 1", []any{}
	if f.ActiveOnly {
		where += " AND a.active = ?"
		args = append(args, true)
	}
	if f.Audience != "" {
		where += " AND a.audience IN (?, ?)"
		args = append(args, string(chat.AudienceAll), string(f.Audience))
	}
	if f.ExcludePaid {
		where += " AND a.requires_paid = ?"
		args = append(args, false)
	}
	var rows []agentRow
	if err := s.db.idb(ctx).NewRaw("SELECT "+agentCols+" FROM agents a WHERE "+where+" ORDER BY a.name, a.id", args...).
		Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list agents")
	}
	out := make([]chat.Agent, len(rows))
	for i := range rows {
		out[i] = rows[i].agent()
	}
	return out, nil
}

// Agent implements ports.AgentStore.
func (s *AgentStore) Agent(ctx context.Context, id string) (chat.Agent, error) {
	if err := checkText(id); err != nil {
		return chat.Agent{}, err
	}
	return s.load(ctx, s.db.idb(ctx), "a.id = ?", id)
}

func (s *AgentStore) load(ctx context.Context, idb bun.IDB, where string, args ...any) (chat.Agent, error) {
	var rows []agentRow
	if err := idb.NewRaw("SELECT "+agentCols+" FROM agents a WHERE "+where, args...).Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return chat.Agent{}, s.db.wrapErr(err, "load agent")
	}
	if len(rows) == 0 {
		return chat.Agent{}, errAgentGone
	}
	return rows[0].agent(), nil
}

// CreateAgent implements ports.AgentStore.
func (s *AgentStore) CreateAgent(ctx context.Context, a chat.Agent) error {
	row, err := newAgentRow(a)
	if err != nil {
		return err
	}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return s.uniqueErr(ctx, err, row, "create agent")
	}
	return nil
}

// uniqueErr tells a taken name from a taken id with a query (SQLite and
// MySQL name the key only in message text; MySQL and SQLite transactions
// survive the failed statement, and PostgreSQL names the constraint).
func (s *AgentStore) uniqueErr(ctx context.Context, err error, row agentRow, op string) error {
	class, constraint := classify(err)
	if class != classUnique {
		return s.db.wrapErr(err, op)
	}
	nameTaken := constraint == "agents_name_key"
	if constraint == "" {
		n, qerr := s.db.idb(ctx).NewSelect().Table("agents").Where("name = ? AND id <> ?", row.Name, row.ID).Count(ctx)
		nameTaken = qerr == nil && n > 0
	}
	if nameTaken {
		c := *errAgentNameTaken
		c.Err = err
		return &c
	}
	return fault.Wrap(err, fault.Conflict, errChatIDTaken.Code, errChatIDTaken.Msg)
}

// CreateAgentIfAbsent implements ports.AgentStore: an insert that does
// nothing when the name is taken (ON CONFLICT (name) DO NOTHING; on MySQL
// the failed insert is told apart by name).
func (s *AgentStore) CreateAgentIfAbsent(ctx context.Context, a chat.Agent) (bool, error) {
	row, err := newAgentRow(a)
	if err != nil {
		return false, err
	}
	q := s.db.idb(ctx).NewInsert().Model(&row)
	if s.db.Dialect != MySQL {
		q = q.On("CONFLICT (name) DO NOTHING")
	}
	res, err := q.Exec(ctx)
	if err != nil {
		werr := s.uniqueErr(ctx, err, row, "create agent")
		if fe, ok := fault.As(werr); ok && fe.Code == ports.CodeAgentNameTaken {
			return false, nil
		}
		return false, werr
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.db.wrapErr(err, "create agent")
	}
	return n == 1, nil
}

// UpdateAgent implements ports.AgentStore.
func (s *AgentStore) UpdateAgent(ctx context.Context, id string, fn func(*chat.Agent) error) (chat.Agent, error) {
	if err := checkText(id); err != nil {
		return chat.Agent{}, err
	}
	var out chat.Agent
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		where := "a.id = ?"
		if s.db.Dialect != SQLite {
			where += " FOR UPDATE"
		}
		cur, err := s.load(ctx, idb, where, id)
		if err != nil {
			return err
		}
		next := cur
		if err := fn(&next); err != nil {
			return err
		}
		next.ID, next.CreatedAt, next.ConversationCount = cur.ID, cur.CreatedAt, cur.ConversationCount
		row, err := newAgentRow(next)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&row).ExcludeColumn("id", "created_at").WherePK().Exec(ctx); err != nil {
			return s.uniqueErr(ctx, err, row, "update agent")
		}
		out = row.agent()
		out.ConversationCount = cur.ConversationCount
		return nil
	})
	return out, err
}

// DeleteAgent implements ports.AgentStore; conversations keep going without
// the agent (ON DELETE SET NULL).
func (s *AgentStore) DeleteAgent(ctx context.Context, id string) error {
	if err := checkText(id); err != nil {
		return err
	}
	res, err := s.db.idb(ctx).NewDelete().Table("agents").Where("id = ?", id).Exec(ctx)
	return s.db.affectedOne(res, err, "delete agent", errAgentGone)
}
