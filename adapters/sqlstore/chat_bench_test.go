package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/core/chat"
)

var benchWords = []string{"budget", "procurement", "tender", "district", "assembly", "levy", "kwamé", "ministry",
	"health", "school", "road", "report", "memo", "allocation", "audit", "policy", "minutes", "clinic", "water", "power"}

// seedChatBench stores 10,000 messages (100 conversations of 100) for one user.
func seedChatBench(b *testing.B, d sqlstore.Dialect) (*sqlstore.ConversationStore, *sqlstore.MessageStore, string, string) {
	b.Helper()
	db := sqltest.Fresh(b, d)
	ctx := context.Background()
	users, convs, msgs := sqlstore.NewUserStore(db), sqlstore.NewConversationStore(db), sqlstore.NewMessageStore(db)
	u := testUser("usr_bench")
	require.NoError(b, users.CreateUser(ctx, u))
	now := time.Now().UTC()
	var last string
	require.NoError(b, db.WithinTx(ctx, func(ctx context.Context) error {
		for c := range 100 {
			conv := chat.Conversation{ID: fmt.Sprintf("conv_%016x", c), UserID: u.ID, Title: "Conversation " + benchWords[c%len(benchWords)], CreatedAt: now, UpdatedAt: now}
			if err := convs.CreateConversation(ctx, conv); err != nil {
				return err
			}
			last = conv.ID
			for m := range 100 {
				i := c*100 + m
				text := fmt.Sprintf("Message %d about the %s of the %s and the %s, with notes on %s.", i,
					benchWords[i%20], benchWords[(i/20)%20], benchWords[(i/7)%20], benchWords[(i/3)%20])
				if err := msgs.AppendMessage(ctx, u.ID, chat.StoredMessage{Message: chat.Message{
					ID: fmt.Sprintf("msg_%016x", i), ConversationID: conv.ID, Role: chat.RoleUser, Content: text, CreatedAt: now,
				}}); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	return convs, msgs, u.ID, last
}

func benchmarkSearch(b *testing.B, d sqlstore.Dialect) {
	convs, _, userID, _ := seedChatBench(b, d)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		hits, _, err := convs.SearchConversations(ctx, userID, benchWords[i%len(benchWords)]+" "+benchWords[(i+3)%len(benchWords)], 20, 0)
		if err != nil || len(hits) == 0 {
			b.Fatal(err, len(hits))
		}
		i++
	}
}

func BenchmarkSearchConversationsSQLite(b *testing.B)   { benchmarkSearch(b, sqlstore.SQLite) }
func BenchmarkSearchConversationsPostgres(b *testing.B) { benchmarkSearch(b, sqlstore.Postgres) }

func BenchmarkAppendMessageSQLite(b *testing.B) {
	_, msgs, userID, convID := seedChatBench(b, sqlstore.SQLite)
	ctx := context.Background()
	now := time.Now().UTC()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := msgs.AppendMessage(ctx, userID, chat.StoredMessage{Message: chat.Message{
			ID: fmt.Sprintf("msg_b%015x", i), ConversationID: convID, Role: chat.RoleAssistant,
			Content: "The district assembly approved the procurement budget for the new clinic.", CreatedAt: now,
		}}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
