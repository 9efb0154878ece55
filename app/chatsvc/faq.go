package chatsvc

import (
	"context"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

var errFAQUnavailable = fault.New(fault.Unavailable, "kb.unavailable", "The knowledge base is not configured")

// FAQInput holds the fields an administrator sets on an FAQ entry; nil
// keeps a value on update (Question and Answer are required on create).
type FAQInput struct {
	Question, Answer, Category *string
	Keywords                   *[]string
	Priority                   *int
	Active                     *bool
}

func (in FAQInput) apply(f *chat.FAQ) error {
	if in.Question != nil {
		f.Question = *in.Question
	}
	if in.Answer != nil {
		f.Answer = *in.Answer
	}
	if in.Category != nil {
		f.Category = *in.Category
	}
	if in.Keywords != nil {
		f.Keywords = append([]string(nil), (*in.Keywords)...)
	}
	if in.Priority != nil {
		f.Priority = *in.Priority
	}
	if in.Active != nil {
		f.Active = *in.Active
	}
	return f.Normalize()
}

// CreateFAQ adds an active knowledge-base entry, audited.
func (s *Service) CreateFAQ(ctx context.Context, actor identity.User, in FAQInput) (chat.FAQ, error) {
	if s.d.FAQs == nil {
		return chat.FAQ{}, errFAQUnavailable
	}
	f := chat.FAQ{Active: true, CreatedBy: actor.ID}
	if err := in.apply(&f); err != nil {
		return chat.FAQ{}, err
	}
	id, err := s.id("faq_")
	if err != nil {
		return chat.FAQ{}, err
	}
	f.ID, f.CreatedAt, f.UpdatedAt = id, s.now(), s.now()
	if err := s.d.FAQs.CreateFAQ(ctx, f); err != nil {
		return chat.FAQ{}, err
	}
	return f, s.record(ctx, actor, "admin.faq_create", "faq", f.ID, map[string]any{"question": f.Question, "category": f.Category})
}

// FAQs lists the knowledge base's entries, highest priority first.
func (s *Service) FAQs(ctx context.Context, limit, offset int) ([]chat.FAQ, int, error) {
	if s.d.FAQs == nil {
		return nil, 0, errFAQUnavailable
	}
	return s.d.FAQs.FAQs(ctx, limit, offset)
}

// UpdateFAQ changes entry id, audited.
func (s *Service) UpdateFAQ(ctx context.Context, actor identity.User, id string, in FAQInput) (chat.FAQ, error) {
	if s.d.FAQs == nil {
		return chat.FAQ{}, errFAQUnavailable
	}
	f, err := s.d.FAQs.UpdateFAQ(ctx, id, func(f *chat.FAQ) error {
		if err := in.apply(f); err != nil {
			return err
		}
		f.UpdatedAt = s.now()
		return nil
	})
	if err != nil {
		return f, err
	}
	return f, s.record(ctx, actor, "admin.faq_update", "faq", f.ID, map[string]any{"question": f.Question, "active": f.Active})
}

// DeleteFAQ deletes entry id, audited.
func (s *Service) DeleteFAQ(ctx context.Context, actor identity.User, id string) error {
	if s.d.FAQs == nil {
		return errFAQUnavailable
	}
	if err := s.d.FAQs.DeleteFAQ(ctx, id); err != nil {
		return err
	}
	return s.record(ctx, actor, "admin.faq_delete", "faq", id, map[string]any{})
}
