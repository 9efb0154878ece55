package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.ConversationStore  = (*ConversationStore)(nil)
	_ ports.MessageStore       = (*MessageStore)(nil)
	_ ports.ConversationSearch = (*ConversationStore)(nil)
)

var (
	errConversationNotFound = fault.New(fault.NotFound, ports.CodeConversationNotFound, "Conversation not found")
	errMessageNotFound      = fault.New(fault.NotFound, ports.CodeMessageNotFound, "Message not found")
	errFolderNotFound       = &fault.Error{Kind: fault.NotFound, Code: ports.CodeFolderNotFound, Msg: "Folder not found", Field: "folderId"}
	errAgentNotFound        = &fault.Error{Kind: fault.NotFound, Code: ports.CodeAgentNotFound, Msg: "Agent not found", Field: "agentId"}
	errChatIDTaken          = fault.New(fault.Conflict, ports.CodeChatIDTaken, "A record with this id already exists")
	errShareTokenTaken      = fault.New(fault.Conflict, ports.CodeShareTokenTaken, "The share token is already in use")
	errChatUserNotFound     = fault.New(fault.NotFound, "identity.user_not_found", "User not found")
)

// ConversationStore keeps conversations in the conversations table and
// searches them with the database's full-text engine (chat_search.go). It
// implements ports.ConversationStore and ports.ConversationSearch.
type ConversationStore struct {
	db     *DB
	search *searcher
}

// NewConversationStore returns a ConversationStore on db, which must be
// migrated.
func NewConversationStore(db *DB) *ConversationStore {
	return &ConversationStore{db: db, search: &searcher{db: db}}
}

type conversationRow struct {
	bun.BaseModel `bun:"table:conversations"`

	ID             string     `bun:"id,pk"`
	UserID         string     `bun:"user_id"`
	Title          string     `bun:"title"`
	Model          string     `bun:"model"`
	TemplateID     string     `bun:"template_id"`
	AgentID        string     `bun:"agent_id,nullzero"`
	FolderID       string     `bun:"folder_id,nullzero"`
	Pinned         bool       `bun:"pinned"`
	ShareTokenHash string     `bun:"share_token_hash,nullzero"`
	SharedAt       *time.Time `bun:"shared_at"`
	CreatedAt      time.Time  `bun:"created_at"`
	UpdatedAt      time.Time  `bun:"updated_at"`
	MessageCount   int        `bun:"message_count,scanonly"`
}

// conversationCols are the selected columns of a conversation, aliased c,
// with its message count.
const conversationCols = `c.id, c.user_id, c.title, c.model, c.template_id, c.agent_id, c.folder_id, c.pinned,
	c.share_token_hash, c.shared_at, c.created_at, c.updated_at,
	(SELECT COUNT(*) FROM messages mc WHERE mc.conversation_id = c.id) AS message_count`

func newConversationRow(c chat.Conversation) (conversationRow, error) {
	if err := checkText(c.ID, c.UserID, c.Title, c.Model, c.TemplateID, c.AgentID, c.FolderID, c.ShareTokenHash); err != nil {
		return conversationRow{}, err
	}
	return conversationRow{
		ID: c.ID, UserID: c.UserID, Title: c.Title, Model: c.Model, TemplateID: c.TemplateID,
		AgentID: c.AgentID, FolderID: c.FolderID, Pinned: c.Pinned,
		ShareTokenHash: c.ShareTokenHash, SharedAt: dbTimePtr(c.SharedAt),
		CreatedAt: dbTime(c.CreatedAt), UpdatedAt: dbTime(c.UpdatedAt),
	}, nil
}

func (r *conversationRow) conversation() chat.Conversation {
	return chat.Conversation{
		ID: r.ID, UserID: r.UserID, Title: r.Title, Model: r.Model, TemplateID: r.TemplateID,
		AgentID: r.AgentID, FolderID: r.FolderID, Pinned: r.Pinned,
		ShareTokenHash: r.ShareTokenHash, SharedAt: utcPtr(r.SharedAt), MessageCount: r.MessageCount,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// checkRefs verifies that the folder is the owner's and the agent exists.
func (s *ConversationStore) checkRefs(ctx context.Context, userID, folderID, agentID string) error {
	idb := s.db.idb(ctx)
	if folderID != "" {
		n, err := idb.NewSelect().Table("folders").Where("id = ? AND user_id = ?", folderID, userID).Count(ctx)
		if err != nil {
			return s.db.wrapErr(err, "check folder")
		}
		if n == 0 {
			return errFolderNotFound
		}
	}
	if agentID != "" {
		n, err := idb.NewSelect().Table("agents").Where("id = ?", agentID).Count(ctx)
		if err != nil {
			return s.db.wrapErr(err, "check agent")
		}
		if n == 0 {
			return errAgentNotFound
		}
	}
	return nil
}

// CreateConversation implements ports.ConversationStore.
func (s *ConversationStore) CreateConversation(ctx context.Context, c chat.Conversation) error {
	row, err := newConversationRow(c)
	if err != nil {
		return err
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.checkRefs(ctx, c.UserID, c.FolderID, c.AgentID); err != nil {
			return err
		}
		if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
			return s.db.chatWriteErr(err, "create conversation", errChatUserNotFound)
		}
		return nil
	})
}

// chatWriteErr translates an insert or update error: a unique violation is
// taken (idErr when the caller knows better), a foreign-key violation
// notFound.
func (db *DB) chatWriteErr(err error, op string, notFound error) error {
	switch c, _ := classify(err); c {
	case classUnique:
		return fault.Wrap(err, fault.Conflict, errChatIDTaken.Code, errChatIDTaken.Msg)
	case classForeignKey:
		fe, _ := fault.As(notFound)
		c := *fe
		c.Err = err
		return &c
	}
	return db.wrapErr(err, op)
}

// Conversation implements ports.ConversationStore.
func (s *ConversationStore) Conversation(ctx context.Context, userID, id string) (chat.Conversation, error) {
	if err := checkText(userID, id); err != nil {
		return chat.Conversation{}, err
	}
	return s.load(ctx, s.db.idb(ctx), "c.id = ? AND c.user_id = ?", id, userID)
}

func (s *ConversationStore) load(ctx context.Context, idb bun.IDB, where string, args ...any) (chat.Conversation, error) {
	var rows []conversationRow
	err := idb.NewRaw("SELECT "+conversationCols+" FROM conversations c WHERE "+where, args...).Scan(ctx, &rows)
	if err != nil && !isNoRows(err) {
		return chat.Conversation{}, s.db.wrapErr(err, "load conversation")
	}
	if len(rows) == 0 {
		return chat.Conversation{}, errConversationNotFound
	}
	return rows[0].conversation(), nil
}

// Paging bounds of ListConversations.
const (
	defaultConversationPage = 50
	maxPage                 = 500
)

// ListConversations implements ports.ConversationStore.
func (s *ConversationStore) ListConversations(ctx context.Context, f ports.ConversationFilter) ([]chat.Conversation, int, error) {
	if err := checkText(f.UserID, f.FolderID); err != nil {
		return nil, 0, err
	}
	limit, err := pageLimit(f.Limit, f.Offset, defaultConversationPage, maxPage)
	if err != nil {
		return nil, 0, err
	}
	where, args := "c.user_id = ?", []any{f.UserID}
	switch {
	case f.Unfiled:
		where += " AND c.folder_id IS NULL"
	case f.FolderID != "":
		where += " AND c.folder_id = ?"
		args = append(args, f.FolderID)
	}
	idb := s.db.idb(ctx)
	var total int
	if err := idb.NewRaw("SELECT COUNT(*) FROM conversations c WHERE "+where, args...).Scan(ctx, &total); err != nil {
		return nil, 0, s.db.wrapErr(err, "count conversations")
	}
	var rows []conversationRow
	q := "SELECT " + conversationCols + " FROM conversations c WHERE " + where +
		" ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?"
	if err := idb.NewRaw(q, append(args, limit, f.Offset)...).Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list conversations")
	}
	out := make([]chat.Conversation, len(rows))
	for i := range rows {
		out[i] = rows[i].conversation()
	}
	return out, total, nil
}

// pageLimit checks limit and offset and applies def to a zero limit.
func pageLimit(limit, offset, def, max int) (int, error) {
	if limit < 0 || limit > max {
		return 0, fault.Field("limit", "store.invalid_page", "limit is out of range")
	}
	if offset < 0 {
		return 0, fault.Field("offset", "store.invalid_page", "offset must not be negative")
	}
	if limit == 0 {
		limit = def
	}
	return limit, nil
}

// UpdateConversation implements ports.ConversationStore.
func (s *ConversationStore) UpdateConversation(ctx context.Context, userID, id string, fn func(*chat.Conversation) error) (chat.Conversation, error) {
	if err := checkText(userID, id); err != nil {
		return chat.Conversation{}, err
	}
	var out chat.Conversation
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		where := "c.id = ? AND c.user_id = ?"
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
		next.ID, next.UserID, next.CreatedAt = cur.ID, cur.UserID, cur.CreatedAt
		next.ShareTokenHash, next.SharedAt, next.MessageCount = cur.ShareTokenHash, cur.SharedAt, cur.MessageCount
		if next.FolderID != cur.FolderID || next.AgentID != cur.AgentID {
			folder, agent := next.FolderID, next.AgentID
			if folder == cur.FolderID {
				folder = ""
			}
			if agent == cur.AgentID {
				agent = ""
			}
			if err := s.checkRefs(ctx, userID, folder, agent); err != nil {
				return err
			}
		}
		row, err := newConversationRow(next)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&row).
			Column("title", "model", "template_id", "agent_id", "folder_id", "pinned", "updated_at").
			WherePK().Exec(ctx); err != nil {
			return s.db.chatWriteErr(err, "update conversation", errFolderNotFound)
		}
		out = row.conversation()
		out.MessageCount = cur.MessageCount
		return nil
	})
	return out, err
}

// DeleteConversation implements ports.ConversationStore. Messages, their
// ratings and their search entries go by the foreign keys' cascades (and,
// on SQLite, the FTS triggers they fire).
func (s *ConversationStore) DeleteConversation(ctx context.Context, userID, id string) error {
	if err := checkText(userID, id); err != nil {
		return err
	}
	res, err := s.db.idb(ctx).NewDelete().Table("conversations").Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
	return s.db.affectedOne(res, err, "delete conversation", errConversationNotFound)
}

// affectedOne turns a statement's outcome into nil, notFound (no row
// affected) or a wrapped error.
func (db *DB) affectedOne(res sql.Result, err error, op string, notFound error) error {
	if err != nil {
		return db.wrapErr(err, op)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return db.wrapErr(err, op)
	}
	if n == 0 {
		return notFound
	}
	return nil
}

// ShareConversation implements ports.ConversationStore.
func (s *ConversationStore) ShareConversation(ctx context.Context, userID, id, tokenHash string, at time.Time) (chat.Conversation, error) {
	if err := checkText(userID, id, tokenHash); err != nil {
		return chat.Conversation{}, err
	}
	if tokenHash == "" {
		return chat.Conversation{}, fault.Field("tokenHash", "chat.invalid_share_token", "A share token is required")
	}
	var out chat.Conversation
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		if _, err := s.load(ctx, idb, "c.id = ? AND c.user_id = ?", id, userID); err != nil {
			return err
		}
		_, err := idb.NewUpdate().Table("conversations").
			Set("share_token_hash = ?", tokenHash).Set("shared_at = ?", dbTime(at)).
			Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
		if err != nil {
			if c, _ := classify(err); c == classUnique {
				return fault.Wrap(err, fault.Conflict, errShareTokenTaken.Code, errShareTokenTaken.Msg)
			}
			return s.db.wrapErr(err, "share conversation")
		}
		out, err = s.load(ctx, idb, "c.id = ? AND c.user_id = ?", id, userID)
		return err
	})
	return out, err
}

// UnshareConversation implements ports.ConversationStore.
func (s *ConversationStore) UnshareConversation(ctx context.Context, userID, id string) error {
	if err := checkText(userID, id); err != nil {
		return err
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		if _, err := s.load(ctx, idb, "c.id = ? AND c.user_id = ?", id, userID); err != nil {
			return err
		}
		_, err := idb.NewUpdate().Table("conversations").
			Set("share_token_hash = NULL").Set("shared_at = NULL").
			Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
		return s.db.wrapErr(err, "unshare conversation")
	})
}

// SharedConversation implements ports.ConversationStore.
func (s *ConversationStore) SharedConversation(ctx context.Context, tokenHash string) (chat.Conversation, error) {
	if err := checkText(tokenHash); err != nil {
		return chat.Conversation{}, err
	}
	if tokenHash == "" {
		return chat.Conversation{}, errConversationNotFound
	}
	return s.load(ctx, s.db.idb(ctx), "c.share_token_hash = ?", tokenHash)
}

// MessageStore keeps messages in the messages table and ratings in
// message_ratings. It implements ports.MessageStore.
type MessageStore struct {
	db *DB
}

// NewMessageStore returns a MessageStore on db, which must be migrated.
func NewMessageStore(db *DB) *MessageStore { return &MessageStore{db: db} }

type messageRow struct {
	ID               string    `bun:"id"`
	ConversationID   string    `bun:"conversation_id"`
	UserID           string    `bun:"user_id"`
	Role             string    `bun:"role"`
	Content          string    `bun:"content"`
	Model            string    `bun:"model"`
	PromptTokens     int       `bun:"prompt_tokens"`
	CompletionTokens int       `bun:"completion_tokens"`
	CreatedAt        time.Time `bun:"created_at"`
	Rating           int       `bun:"rating"`
}

func (r *messageRow) message() chat.StoredMessage {
	return chat.StoredMessage{
		Message: chat.Message{
			ID: r.ID, ConversationID: r.ConversationID, Role: chat.Role(r.Role), Content: r.Content,
			Model: r.Model, Tokens: r.CompletionTokens, CreatedAt: r.CreatedAt.UTC(),
		},
		UserID: r.UserID, PromptTokens: r.PromptTokens, Rating: r.Rating,
	}
}

const messageCols = `m.id, m.conversation_id, m.user_id, m.role, m.content, m.model, m.prompt_tokens,
	m.completion_tokens, m.created_at, COALESCE(r.rating, 0) AS rating`

const messageFrom = ` FROM messages m LEFT JOIN message_ratings r ON r.message_id = m.id AND r.user_id = m.user_id`

// AppendMessage implements ports.MessageStore: one INSERT … SELECT that
// only inserts into the owner's conversation, and one UPDATE of the
// conversation's updated_at, in a short transaction.
func (s *MessageStore) AppendMessage(ctx context.Context, userID string, m chat.StoredMessage) error {
	if err := checkText(userID, m.ID, m.ConversationID, string(m.Role), m.Content, m.Model); err != nil {
		return err
	}
	if !m.Role.Valid() {
		return fault.Field("role", "chat.invalid_role", "role must be user, assistant or system")
	}
	if m.PromptTokens < 0 || m.Tokens < 0 {
		return fault.Field("usage", "chat.invalid_usage", "token counts must not be negative")
	}
	at := dbTime(m.CreatedAt)
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		res, err := idb.ExecContext(ctx, `INSERT INTO messages
			(id, conversation_id, user_id, role, content, model, prompt_tokens, completion_tokens, created_at)
			SELECT ?, c.id, c.user_id, ?, ?, ?, ?, ?, ? FROM conversations c WHERE c.id = ? AND c.user_id = ?`,
			m.ID, string(m.Role), m.Content, m.Model, m.PromptTokens, m.Tokens, at, m.ConversationID, userID)
		if err != nil {
			return s.db.chatWriteErr(err, "append message", errConversationNotFound)
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.db.wrapErr(err, "append message")
		} else if n == 0 {
			return errConversationNotFound
		}
		_, err = idb.ExecContext(ctx, `UPDATE conversations SET updated_at = ? WHERE id = ? AND updated_at < ?`,
			at, m.ConversationID, at)
		return s.db.wrapErr(err, "touch conversation")
	})
}

// Messages implements ports.MessageStore.
func (s *MessageStore) Messages(ctx context.Context, userID, conversationID string, limit int) ([]chat.StoredMessage, error) {
	if err := checkText(userID, conversationID); err != nil {
		return nil, err
	}
	idb := s.db.idb(ctx)
	n, err := idb.NewSelect().Table("conversations").Where("id = ? AND user_id = ?", conversationID, userID).Count(ctx)
	if err != nil {
		return nil, s.db.wrapErr(err, "check conversation")
	}
	if n == 0 {
		return nil, errConversationNotFound
	}
	q := "SELECT " + messageCols + messageFrom + " WHERE m.conversation_id = ? AND m.user_id = ? ORDER BY m.created_at DESC, m.id DESC"
	args := []any{conversationID, userID}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	var rows []messageRow
	if err := idb.NewRaw(q, args...).Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list messages")
	}
	out := make([]chat.StoredMessage, len(rows))
	for i := range rows {
		out[len(rows)-1-i] = rows[i].message()
	}
	return out, nil
}

// Message implements ports.MessageStore.
func (s *MessageStore) Message(ctx context.Context, userID, id string) (chat.StoredMessage, error) {
	if err := checkText(userID, id); err != nil {
		return chat.StoredMessage{}, err
	}
	var rows []messageRow
	err := s.db.idb(ctx).NewRaw("SELECT "+messageCols+messageFrom+" WHERE m.id = ? AND m.user_id = ?", id, userID).Scan(ctx, &rows)
	if err != nil && !isNoRows(err) {
		return chat.StoredMessage{}, s.db.wrapErr(err, "load message")
	}
	if len(rows) == 0 {
		return chat.StoredMessage{}, errMessageNotFound
	}
	return rows[0].message(), nil
}

// DeleteMessage implements ports.MessageStore.
func (s *MessageStore) DeleteMessage(ctx context.Context, userID, id string) error {
	if err := checkText(userID, id); err != nil {
		return err
	}
	res, err := s.db.idb(ctx).NewDelete().Table("messages").Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
	return s.db.affectedOne(res, err, "delete message", errMessageNotFound)
}

// RateMessage implements ports.MessageStore.
func (s *MessageStore) RateMessage(ctx context.Context, userID, id string, rating int, at time.Time) error {
	if err := checkText(userID, id); err != nil {
		return err
	}
	if !chat.ValidRating(rating) {
		return fault.Field("rating", "chat.invalid_rating", "rating must be 1 or -1")
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var convID string
		err := idb.NewSelect().Table("messages").Column("conversation_id").
			Where("id = ? AND user_id = ?", id, userID).Limit(1).Scan(ctx, &convID)
		if isNoRows(err) {
			return errMessageNotFound
		}
		if err != nil {
			return s.db.wrapErr(err, "load message")
		}
		q := `INSERT INTO message_ratings (user_id, message_id, conversation_id, rating, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) `
		if s.db.Dialect == MySQL {
			q += `ON DUPLICATE KEY UPDATE rating = VALUES(rating), updated_at = VALUES(updated_at)`
		} else {
			q += `ON CONFLICT (user_id, message_id) DO UPDATE SET rating = excluded.rating, updated_at = excluded.updated_at`
		}
		_, err = idb.ExecContext(ctx, q, userID, id, convID, rating, dbTime(at), dbTime(at))
		return s.db.chatWriteErr(err, "rate message", errMessageNotFound)
	})
}
