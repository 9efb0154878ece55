package chatsvc

import (
	"context"
	"regexp"
	"strings"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

var hexColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// maxNameRunes caps folder and agent names.
const maxNameRunes = 100

// Folders lists u's folders.
func (s *Service) Folders(ctx context.Context, u identity.User) ([]chat.Folder, error) {
	return s.d.Folders.Folders(ctx, u.ID)
}

// CreateFolder creates a folder for u; color "" is the default colour.
func (s *Service) CreateFolder(ctx context.Context, u identity.User, name, color string) (chat.Folder, error) {
	name, ok := clean(name, maxNameRunes)
	switch {
	case name == "":
		return chat.Folder{}, ErrNameRequired
	case !ok:
		return chat.Folder{}, fault.Field("name", "chat.name_too_long", "name must be at most 100 characters")
	case color != "" && !hexColor.MatchString(color):
		return chat.Folder{}, ErrBadColor
	}
	id, err := s.id("fold_")
	if err != nil {
		return chat.Folder{}, err
	}
	now := s.now()
	return s.d.Folders.CreateFolder(ctx, chat.Folder{ID: id, UserID: u.ID, Name: name, Color: color, CreatedAt: now, UpdatedAt: now})
}

// UpdateFolder renames or recolours u's folder id; nil fields are kept.
func (s *Service) UpdateFolder(ctx context.Context, u identity.User, id string, name, color *string) (chat.Folder, error) {
	if name != nil {
		n, ok := clean(*name, maxNameRunes)
		if n == "" {
			return chat.Folder{}, ErrNameRequired
		}
		if !ok {
			return chat.Folder{}, fault.Field("name", "chat.name_too_long", "name must be at most 100 characters")
		}
		name = &n
	}
	if color != nil && !hexColor.MatchString(*color) {
		return chat.Folder{}, ErrBadColor
	}
	return s.d.Folders.UpdateFolder(ctx, u.ID, id, func(f *chat.Folder) error {
		if name != nil {
			f.Name = *name
		}
		if color != nil {
			f.Color = *color
		}
		f.UpdatedAt = s.now()
		return nil
	})
}

// DeleteFolder deletes u's folder id; its conversations become unfiled.
func (s *Service) DeleteFolder(ctx context.Context, u identity.User, id string) error {
	return s.d.Folders.DeleteFolder(ctx, u.ID, id)
}

// Memories lists u's memories.
func (s *Service) Memories(ctx context.Context, u identity.User) ([]chat.Memory, error) {
	return s.d.Memories.Memories(ctx, u.ID)
}

// UserMemories lists another user's memories, for administrators (the
// route's guard checks the role).
func (s *Service) UserMemories(ctx context.Context, userID string) ([]chat.Memory, error) {
	return s.d.Memories.Memories(ctx, userID)
}

// SaveMemory stores (or replaces, by key) one of u's memories; typ ""
// is a preference.
func (s *Service) SaveMemory(ctx context.Context, u identity.User, key, value string, typ chat.MemoryType) (chat.Memory, error) {
	key, kok := clean(key, chat.MaxFactKeyRunes)
	value, vok := clean(value, chat.MaxFactValueRunes)
	if typ == "" {
		typ = chat.MemoryPreference
	}
	switch {
	case key == "":
		return chat.Memory{}, ErrKeyRequired
	case !kok:
		return chat.Memory{}, fault.Field("key", "chat.key_too_long", "key must be at most 100 characters")
	case value == "":
		return chat.Memory{}, ErrValueRequired
	case !vok:
		return chat.Memory{}, fault.Field("value", "chat.value_too_long", "value must be at most 500 characters")
	case !typ.Valid():
		return chat.Memory{}, ErrBadMemoryType
	}
	id, err := s.id("mem_")
	if err != nil {
		return chat.Memory{}, err
	}
	now := s.now()
	return s.d.Memories.UpsertMemory(ctx, chat.Memory{ID: id, UserID: u.ID, Key: key, Value: value, Type: typ, CreatedAt: now, UpdatedAt: now})
}

// DeleteMemory deletes u's memory id.
func (s *Service) DeleteMemory(ctx context.Context, u identity.User, id string) error {
	return s.d.Memories.DeleteMemory(ctx, u.ID, id)
}

// PublicAgents lists the active agents offered to u (or to an anonymous
// caller when u is nil): paid-only agents are hidden from free users.
func (s *Service) PublicAgents(ctx context.Context, u *identity.User) ([]chat.Agent, error) {
	f := ports.AgentFilter{ActiveOnly: true, ExcludePaid: true}
	if u != nil {
		f.ExcludePaid = u.Tier == "" || u.Tier == "free"
		if u.UserType == identity.UserTypeStudent {
			f.Audience = chat.AudienceStudent
		}
	}
	return s.d.Agents.Agents(ctx, f)
}

// AllAgents lists every agent, for administrators.
func (s *Service) AllAgents(ctx context.Context) ([]chat.Agent, error) {
	return s.d.Agents.Agents(ctx, ports.AgentFilter{})
}

// Agent returns an active agent (fault.NotFound for an inactive one,
// unless all is set for administrators).
func (s *Service) Agent(ctx context.Context, id string, all bool) (chat.Agent, error) {
	a, err := s.d.Agents.Agent(ctx, id)
	if err != nil {
		return a, err
	}
	if !a.Active && !all {
		return chat.Agent{}, fault.New(fault.NotFound, ports.CodeAgentNotFound, "Agent not found")
	}
	return a, nil
}

// AgentInput holds the fields an administrator sets; nil keeps a value
// on update (Name, Description and SystemPrompt are required on create).
type AgentInput struct {
	Name, Description, SystemPrompt, Avatar, Category, Department, KnowledgeCategory, Model *string
	Audience                                                                                *string
	RequiresPaid, Active                                                                    *bool
}

func (in AgentInput) apply(a *chat.Agent) error {
	set := func(dst *string, v *string, field string, required bool, limit int) error {
		if v == nil {
			return nil
		}
		t, ok := clean(*v, limit)
		if required && t == "" {
			return fault.Field(field, "chat.agent_field_required", field+" is required")
		}
		if !ok {
			return fault.Field(field, "chat.agent_field_too_long", field+" is too long")
		}
		*dst = t
		return nil
	}
	for _, f := range []struct {
		dst      *string
		v        *string
		name     string
		required bool
		limit    int
	}{
		{&a.Name, in.Name, "name", true, maxNameRunes}, {&a.Description, in.Description, "description", false, 1000},
		{&a.SystemPrompt, in.SystemPrompt, "systemPrompt", true, chat.MaxInstructions * 2}, {&a.Avatar, in.Avatar, "avatar", false, 100},
		{&a.Category, in.Category, "category", false, 100}, {&a.Department, in.Department, "department", false, 200},
		{&a.KnowledgeCategory, in.KnowledgeCategory, "knowledgeCategory", false, 100}, {&a.Model, in.Model, "model", false, 200},
	} {
		if err := set(f.dst, f.v, f.name, f.required, f.limit); err != nil {
			return err
		}
	}
	if in.Audience != nil {
		if aud := chat.Audience(*in.Audience); aud.Valid() {
			a.Audience = aud
		} else {
			return ErrAudience
		}
	}
	if in.RequiresPaid != nil {
		a.RequiresPaid = *in.RequiresPaid
	}
	if in.Active != nil {
		a.Active = *in.Active
	}
	return nil
}

// CreateAgent creates an agent (active unless told otherwise), audited.
func (s *Service) CreateAgent(ctx context.Context, actor identity.User, in AgentInput) (chat.Agent, error) {
	a := chat.Agent{Audience: chat.AudienceAll, Active: true, CreatedBy: actor.ID}
	if in.Name == nil {
		return a, ErrNameRequired
	}
	if in.SystemPrompt == nil {
		return a, ErrPromptRequired
	}
	if err := in.apply(&a); err != nil {
		return chat.Agent{}, err
	}
	id, err := s.id("agent_")
	if err != nil {
		return chat.Agent{}, err
	}
	a.ID, a.CreatedAt, a.UpdatedAt = id, s.now(), s.now()
	if err := s.d.Agents.CreateAgent(ctx, a); err != nil {
		return chat.Agent{}, err
	}
	return a, s.record(ctx, actor, "admin.agent_create", "agent", a.ID, map[string]any{"name": a.Name})
}

// UpdateAgent changes agent id, audited.
func (s *Service) UpdateAgent(ctx context.Context, actor identity.User, id string, in AgentInput) (chat.Agent, error) {
	a, err := s.d.Agents.UpdateAgent(ctx, id, func(a *chat.Agent) error {
		if err := in.apply(a); err != nil {
			return err
		}
		a.UpdatedAt = s.now()
		return nil
	})
	if err != nil {
		return a, err
	}
	return a, s.record(ctx, actor, "admin.agent_update", "agent", a.ID, map[string]any{"name": a.Name})
}

// DeleteAgent deletes agent id, audited.
func (s *Service) DeleteAgent(ctx context.Context, actor identity.User, id string) error {
	if err := s.d.Agents.DeleteAgent(ctx, id); err != nil {
		return err
	}
	return s.record(ctx, actor, "admin.agent_delete", "agent", id, map[string]any{})
}

// SeedAgents creates the 25 agents of askozzy-notes §8 that do not exist
// yet and returns how many it created; running it again creates none.
func (s *Service) SeedAgents(ctx context.Context, actor identity.User) (int, error) {
	existing, err := s.d.Agents.Agents(ctx, ports.AgentFilter{})
	if err != nil {
		return 0, err
	}
	names := make([]string, len(existing))
	for i, a := range existing {
		names[i] = a.Name
	}
	created := 0
	for _, a := range chat.SeedPlan(names) {
		id, err := s.id("agent_")
		if err != nil {
			return created, err
		}
		a.ID, a.CreatedAt, a.UpdatedAt = id, s.now(), s.now()
		ok, err := s.d.Agents.CreateAgentIfAbsent(ctx, a)
		if err != nil {
			return created, err
		}
		if ok {
			created++
		}
	}
	return created, s.record(ctx, actor, "admin.seed_agents", "agent", "", map[string]any{"created": created})
}

// Artifact is what DetectArtifact found (§4.14).
type Artifact struct {
	Has   bool
	Type  string // a fence language, "code", "table", "document", "list" or "text"
	Title string
}

var fence = regexp.MustCompile("(?m)^```([A-Za-z0-9_+-]*)")

// DetectArtifact classifies an answer deterministically (§4.14): fenced
// code (its language), a markdown table, a memo or letter, a list; else
// plain text. The title is the first heading or line, at most 100
// characters ("Chat response" when none).
func DetectArtifact(content string) Artifact {
	c := strings.TrimSpace(content)
	if len([]rune(c)) < 20 {
		return Artifact{Type: "text", Title: "Chat response"}
	}
	title := artifactTitle(c)
	if m := fence.FindStringSubmatch(c); m != nil && strings.Count(c, "```") >= 2 {
		t := strings.ToLower(m[1])
		if t == "" {
			t = "code"
		}
		return Artifact{Has: true, Type: t, Title: title}
	}
	lines := strings.Split(c, "\n")
	tableRows, listRows, nonEmpty := 0, 0, 0
	upper := strings.ToUpper(c)
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		nonEmpty++
		if strings.HasPrefix(l, "|") && strings.Count(l, "|") >= 3 {
			tableRows++
		}
		if strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "* ") || len(l) > 2 && l[0] >= '0' && l[0] <= '9' && (strings.HasPrefix(l[1:], ". ") || strings.HasPrefix(l[1:], ") ")) {
			listRows++
		}
	}
	switch {
	case tableRows >= 2 && strings.Contains(c, "---"):
		return Artifact{Has: true, Type: "table", Title: title}
	case strings.Contains(upper, "SUBJECT:") && (strings.Contains(upper, "TO:") || strings.Contains(upper, "FROM:")),
		strings.HasPrefix(upper, "DEAR ") || strings.Contains(upper, "\nDEAR ") && (strings.Contains(upper, "YOURS FAITHFULLY") || strings.Contains(upper, "YOURS SINCERELY")):
		return Artifact{Has: true, Type: "document", Title: title}
	case listRows >= 3 && listRows*2 > nonEmpty:
		return Artifact{Has: true, Type: "list", Title: title}
	}
	return Artifact{Type: "text", Title: title}
}

func artifactTitle(c string) string {
	for _, l := range strings.Split(c, "\n") {
		l = strings.TrimSpace(l)
		if up := strings.ToUpper(l); strings.HasPrefix(up, "SUBJECT:") || strings.HasPrefix(up, "RE:") {
			if t := strings.TrimSpace(l[strings.IndexByte(l, ':')+1:]); t != "" {
				return cutTitle(t)
			}
		}
	}
	for _, l := range strings.Split(c, "\n") {
		l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "#*` "))
		if l == "" || strings.HasPrefix(l, "|") {
			continue
		}
		if up := strings.ToUpper(l); strings.HasPrefix(up, "SUBJECT:") || strings.HasPrefix(up, "RE:") {
			l = strings.TrimSpace(l[strings.IndexByte(l, ':')+1:])
		}
		if l != "" {
			return cutTitle(l)
		}
	}
	return "Chat response"
}

// cutTitle caps an artifact title at 100 characters.
func cutTitle(l string) string {
	if r := []rune(l); len(r) > 100 {
		return string(r[:97]) + "..."
	}
	return l
}
