package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports/porttest"
)

func freshChat(d sqlstore.Dialect) func(t *testing.T) porttest.Chat {
	return func(t *testing.T) porttest.Chat {
		db := sqltest.Fresh(t, d)
		convs := sqlstore.NewConversationStore(db)
		return porttest.Chat{
			Users: sqlstore.NewUserStore(db), Conversations: convs, Messages: sqlstore.NewMessageStore(db),
			Folders: sqlstore.NewFolderStore(db), Memories: sqlstore.NewMemoryStore(db),
			Agents: sqlstore.NewAgentStore(db), Search: convs, FAQs: sqlstore.NewFAQStore(db),
		}
	}
}

func TestChatStores(t *testing.T) {
	suites := []struct {
		name string
		run  func(*testing.T, func(*testing.T) porttest.Chat)
	}{
		{"ConversationStore", porttest.ConversationStore},
		{"MessageStore", porttest.MessageStore},
		{"FolderStore", porttest.FolderStore},
		{"MemoryStore", porttest.MemoryStore},
		{"AgentStore", porttest.AgentStore},
		{"ConversationSearch", porttest.ConversationSearch},
		{"FAQStore", porttest.FAQStore},
	}
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			for _, s := range suites {
				t.Run(s.name, func(t *testing.T) { s.run(t, freshChat(d)) })
			}
		})
	}
}
