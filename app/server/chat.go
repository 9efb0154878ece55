package server

import (
	"crypto/rand"
	"fmt"
	"log/slog"

	"go.uber.org/fx"

	"github.com/kente-gov/kente/adapters/llm"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/chatsvc"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/ports"
)

type chatIn struct {
	fx.In
	Config        config.Config
	Conversations ports.ConversationStore
	Messages      ports.MessageStore
	Folders       ports.FolderStore
	Memories      ports.MemoryStore
	Agents        ports.AgentStore
	Search        ports.ConversationSearch
	FAQs          ports.FAQStore
	Tiers         *tiersvc.Service
	Audit         *auditsvc.Service
	Log           *slog.Logger
}

// newChat builds the chat service over the LLM registry of KENTE_LLM_*
// (the offline model by default) and a retriever over the FAQ entries,
// agents' instructions and the caller's conversations.
func newChat(in chatIn) (*chatsvc.Service, error) {
	retriever := &chatsvc.Retriever{FAQs: in.FAQs, Agents: in.Agents, Search: in.Search}
	reg, err := llm.FromConfig(in.Config.LLM, llm.Deps{Catalogue: in.Config.Tiers.Models, Retriever: retriever, Log: in.Log})
	if err != nil {
		return nil, fmt.Errorf("llm: %w", err)
	}
	return chatsvc.New(chatsvc.Deps{
		Conversations: in.Conversations, Messages: in.Messages, Folders: in.Folders, Memories: in.Memories, Agents: in.Agents,
		Search: in.Search, FAQs: in.FAQs, LLM: reg, Retriever: retriever, Models: in.Tiers, Audit: in.Audit,
		Clock: ports.SystemClock{}, Rand: rand.Reader, Log: in.Log, DefaultModel: chatsvc.ModelFor(in.Config.Tiers),
		NoAutoMemories: !in.Config.AutoMemories,
	}), nil
}
