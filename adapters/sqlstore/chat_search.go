package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kente-gov/kente/ports"
)

// The search contract is in docs/decisions.md ("Chat search"). In short:
// the query is cut into terms (runs of letters and digits), folded to lower
// case without diacritics; a conversation matches when its title, or one of
// its messages, holds every term as the start of a word; hits are ranked by
// the engine's relevance, then recency.

// Search limits.
const (
	defaultSearchPage = 20
	maxSearchPage     = 100
	maxSearchTerms    = 16
	maxTermRunes      = 64
	// SnippetRunes is the longest snippet a search hit carries, "..."
	// excluded.
	SnippetRunes = 200
	// snippetLead is how many words before the first match a snippet keeps.
	snippetLead = 8
)

// SearchConversations implements ports.ConversationSearch.
func (s *ConversationStore) SearchConversations(ctx context.Context, userID, query string, limit, offset int) ([]ports.SearchHit, int, error) {
	if err := checkText(userID, query); err != nil {
		return nil, 0, err
	}
	limit, err := pageLimit(limit, offset, defaultSearchPage, maxSearchPage)
	if err != nil {
		return nil, 0, err
	}
	terms := searchTerms(query)
	if len(terms) == 0 {
		return []ports.SearchHit{}, 0, nil
	}
	return s.search.run(ctx, userID, terms, limit, offset)
}

// searchTerms cuts q into distinct folded terms, at most maxSearchTerms,
// each at most maxTermRunes long.
func searchTerms(q string) []string {
	var terms []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(foldText(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if utf8.RuneCountInString(f) > maxTermRunes {
			f = string([]rune(f)[:maxTermRunes])
		}
		if !seen[f] {
			seen[f] = true
			terms = append(terms, f)
		}
		if len(terms) == maxSearchTerms {
			break
		}
	}
	return terms
}

// foldPairs maps letters with diacritics to their base letter (after
// lower-casing); combining marks are dropped by foldText.
var foldPairs = [...][2]string{
	{"a", "àáâãäåāăąǎǟǡǻȁȃȧạảấầẩẫậắằẳẵặ"},
	{"c", "çćĉċč"},
	{"d", "ďđḍ"},
	{"e", "èéêëēĕėęěȅȇȩẹẻẽếềểễệ"},
	{"g", "ĝğġģǧ"},
	{"h", "ĥħḥ"},
	{"i", "ìíîïĩīĭįǐȉȋịỉ"},
	{"j", "ĵ"},
	{"k", "ķǩ"},
	{"l", "ĺļľŀł"},
	{"n", "ñńņňǹṅṇ"},
	{"o", "òóôõöøōŏőǒȍȏȯọỏốồổỗộớờởỡợơ"},
	{"r", "ŕŗřȑȓ"},
	{"s", "śŝşšșṣ"},
	{"t", "ţťŧțṭ"},
	{"u", "ùúûüũūŭůűųǔưụủứừửữự"},
	{"w", "ŵẁẃẅ"},
	{"y", "ýÿŷỳỵỷỹ"},
	{"z", "źżžẓ"},
}

var foldTable = func() map[rune]rune {
	m := map[rune]rune{}
	for _, p := range foldPairs {
		base, _ := utf8.DecodeRuneInString(p[0])
		for _, r := range p[1] {
			m[r] = base
		}
	}
	return m
}()

// foldRune lower-cases r and removes its diacritic; it returns -1 for a
// combining mark.
func foldRune(r rune) rune {
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	r = unicode.ToLower(r)
	if b, ok := foldTable[r]; ok {
		return b
	}
	return r
}

// foldText lower-cases s and removes diacritics, as the engines do.
func foldText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f := foldRune(r); f >= 0 {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// snippet returns plain text of text around the first word that starts
// with one of terms (or, failing that, contains one), whitespace collapsed,
// at most SnippetRunes runes, with "..." where it was cut.
func snippet(text string, terms []string) string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return ""
	}
	at := -1
	for pass := 0; pass < 2 && at < 0; pass++ {
		for i, w := range words {
			if wordMatches(foldText(w), terms, pass == 1) {
				at = i
				break
			}
		}
	}
	start := 0
	if at > snippetLead {
		start = at - snippetLead
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("...")
	}
	n, end := 0, start
	for ; end < len(words); end++ {
		w := words[end]
		wl := utf8.RuneCountInString(w)
		sep := 0
		if end > start {
			sep = 1
		}
		if n+sep+wl > SnippetRunes {
			if end == start { // one huge word: cut it
				b.WriteString(string([]rune(w)[:SnippetRunes]))
				end++
			}
			break
		}
		if sep == 1 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		n += sep + wl
	}
	if end < len(words) {
		b.WriteString("...")
	}
	return b.String()
}

// wordMatches reports whether a folded word has a letter-digit run that
// starts with (or, with anywhere, contains) one of terms.
func wordMatches(word string, terms []string, anywhere bool) bool {
	for _, tok := range strings.FieldsFunc(word, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		for _, t := range terms {
			if strings.HasPrefix(tok, t) || (anywhere && strings.Contains(tok, t)) {
				return true
			}
		}
	}
	return false
}

// searcher runs searches on one database; it caches MariaDB's full-text
// settings.
type searcher struct {
	db *DB

	mu        sync.Mutex
	loaded    bool
	minToken  int
	maxToken  int
	stopwords map[string]bool
}

type searchRow struct {
	ConversationID string    `bun:"cid"`
	MessageID      string    `bun:"mid"`
	Score          float64   `bun:"score"`
	Title          string    `bun:"title"`
	UpdatedAt      time.Time `bun:"updated_at"`
	Content        string    `bun:"content"`
	Total          int       `bun:"total"`
}

// run searches for terms (non-empty) with one statement: the matching
// messages and titles of userID ("hits"); per conversation, the best score
// of its hits and, for the snippet, its best matching message (its title
// only when no message matches); one page of them and the total.
func (s *searcher) run(ctx context.Context, userID string, terms []string, limit, offset int) ([]ports.SearchHit, int, error) {
	msgFrom, msgArgs, titleFrom, titleArgs, err := s.match(ctx, userID, terms)
	if err != nil {
		return nil, 0, err
	}
	hits := `WITH hits AS (` + msgFrom + ` UNION ALL ` + titleFrom + `),
	ranked AS (
		SELECT cid, mid, MAX(score) OVER (PARTITION BY cid) AS best,
			ROW_NUMBER() OVER (PARTITION BY cid ORDER BY CASE WHEN mid = '' THEN 1 ELSE 0 END, score DESC, mid DESC) AS rn
		FROM hits
	)`
	q := hits + `
	SELECT r.cid, r.mid, r.best AS score, c.title, c.updated_at, COALESCE(m.content, '') AS content, COUNT(*) OVER () AS total
	FROM ranked r JOIN conversations c ON c.id = r.cid LEFT JOIN messages m ON m.id = r.mid
	WHERE r.rn = 1
	ORDER BY r.best DESC, c.updated_at DESC, c.id DESC
	LIMIT ? OFFSET ?`
	args := append(append(append([]any{}, msgArgs...), titleArgs...), limit, offset)
	idb := s.db.idb(ctx)
	var rows []searchRow
	if err := idb.NewRaw(q, args...).Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "search conversations")
	}
	total := 0
	if len(rows) > 0 {
		total = rows[0].Total
	} else if offset > 0 { // a page past the end still reports the total
		cq := hits + ` SELECT COUNT(*) FROM ranked WHERE rn = 1`
		if err := idb.NewRaw(cq, append(append([]any{}, msgArgs...), titleArgs...)...).Scan(ctx, &total); err != nil {
			return nil, 0, s.db.wrapErr(err, "count search hits")
		}
	}
	out := make([]ports.SearchHit, len(rows))
	for i, r := range rows {
		text := r.Content
		if r.MessageID == "" {
			text = r.Title
		}
		out[i] = ports.SearchHit{
			ConversationID: r.ConversationID, Title: r.Title, Snippet: snippet(text, terms),
			Score: r.Score, MessageID: r.MessageID, UpdatedAt: r.UpdatedAt.UTC(),
		}
	}
	return out, total, nil
}

// match returns, per dialect, the two SELECTs of (cid, mid, score) for
// userID's messages and titles that hold every term, with their arguments.
func (s *searcher) match(ctx context.Context, userID string, terms []string) (msg string, msgArgs []any, title string, titleArgs []any, err error) {
	switch s.db.Dialect {
	case SQLite:
		// FTS5 query: each term a quoted prefix, all required. Terms hold
		// only letters and digits, so quoting is all the escaping needed.
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
		}
		fq := strings.Join(parts, " ")
		msg = `SELECT m.conversation_id AS cid, m.id AS mid, -bm25(messages_fts) AS score
			FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
			WHERE messages_fts MATCH ? AND m.user_id = ?`
		title = `SELECT c.id AS cid, '' AS mid, -bm25(conversations_fts) AS score
			FROM conversations_fts JOIN conversations c ON c.seq = conversations_fts.rowid
			WHERE conversations_fts MATCH ? AND c.user_id = ?`
		return msg, []any{fq, userID}, title, []any{fq, userID}, nil
	case Postgres:
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = t + ":*"
		}
		tq := strings.Join(parts, " & ")
		msg = `SELECT m.conversation_id AS cid, m.id AS mid, ts_rank(m.content_search, q.q, 1)::float8 AS score
			FROM messages m, to_tsquery('simple', kente_unaccent(?)) AS q(q)
			WHERE m.user_id = ? AND m.content_search @@ q.q`
		title = `SELECT c.id AS cid, '' AS mid, ts_rank(c.title_search, q.q, 1)::float8 AS score
			FROM conversations c, to_tsquery('simple', kente_unaccent(?)) AS q(q)
			WHERE c.user_id = ? AND c.title_search @@ q.q`
		return msg, []any{tq, userID}, title, []any{tq, userID}, nil
	default:
		return s.matchMySQL(ctx, userID, terms)
	}
}

// matchMySQL uses FULLTEXT in boolean mode (+term* for each) for the terms
// the index holds, and LIKE '%term%' (escaped) for the others: shorter than
// innodb_ft_min_token_size, longer than innodb_ft_max_token_size, or
// InnoDB stop-words. With only LIKE terms the score is 0 and hits rank by
// recency.
func (s *searcher) matchMySQL(ctx context.Context, userID string, terms []string) (string, []any, string, []any, error) {
	if err := s.loadMySQLSettings(ctx); err != nil {
		return "", nil, "", nil, err
	}
	var ft []string
	var like []string
	for _, t := range terms {
		n := utf8.RuneCountInString(t)
		if n < s.minToken || n > s.maxToken || s.stopwords[t] {
			like = append(like, "%"+escapeLike(t)+"%")
		} else {
			ft = append(ft, "+"+t+"*")
		}
	}
	build := func(table, alias, col, cid, mid string) (string, []any) {
		score := "CAST(0 AS DOUBLE)"
		where := alias + ".user_id = ?"
		args := []any{}
		if len(ft) > 0 {
			against := strings.Join(ft, " ")
			score = fmt.Sprintf("MATCH(%s.%s) AGAINST (? IN BOOLEAN MODE)", alias, col)
			args = append(args, against)
			where += fmt.Sprintf(" AND MATCH(%s.%s) AGAINST (? IN BOOLEAN MODE)", alias, col)
		}
		sel := fmt.Sprintf("SELECT %s AS cid, %s AS mid, %s AS score FROM %s %s WHERE ", cid, mid, score, table, alias)
		args = append(args, userID)
		if len(ft) > 0 {
			args = append(args, strings.Join(ft, " "))
		}
		for _, l := range like {
			where += fmt.Sprintf(" AND %s.%s LIKE ? ESCAPE '!'", alias, col)
			args = append(args, l)
		}
		return sel + where, args
	}
	msg, margs := build("messages", "m", "content", "m.conversation_id", "m.id")
	title, targs := build("conversations", "c", "title", "c.id", "CAST('' AS CHAR(40))")
	return msg, margs, title, targs, nil
}

// escapeLike escapes LIKE's wildcards with '!' (the ESCAPE character).
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// loadMySQLSettings reads the full-text token sizes and, when stop-words
// are on, InnoDB's default stop-word list, once; a failed read is tried
// again by the next search.
func (s *searcher) loadMySQLSettings(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loaded {
		return nil
	}
	var enabled bool
	err := s.db.Bun.QueryRowContext(ctx,
		`SELECT @@innodb_ft_min_token_size, @@innodb_ft_max_token_size, @@innodb_ft_enable_stopword`).
		Scan(&s.minToken, &s.maxToken, &enabled)
	if err != nil {
		return s.db.wrapErr(err, "read full-text settings")
	}
	stop := map[string]bool{}
	if enabled {
		rows, err := s.db.Bun.QueryContext(ctx, `SELECT value FROM INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD`)
		if err != nil {
			return s.db.wrapErr(err, "read full-text stop-words")
		}
		defer rows.Close()
		for rows.Next() {
			var w string
			if err := rows.Scan(&w); err != nil {
				return s.db.wrapErr(err, "read full-text stop-words")
			}
			stop[foldText(w)] = true
		}
		if err := rows.Err(); err != nil {
			return s.db.wrapErr(err, "read full-text stop-words")
		}
	}
	s.stopwords, s.loaded = stop, true
	return nil
}
