package chat

import "github.com/kente-gov/kente/core/fault"

// Ownership. A user sees only their own conversations, messages, folders
// and memories; anything else answers NotFound, exactly as if it did not
// exist, so ids of other users' records cannot be probed.
var (
	errConversationNotFound = fault.New(fault.NotFound, "chat.conversation_not_found", "Conversation not found")
	errMessageNotFound      = fault.New(fault.NotFound, "chat.message_not_found", "Message not found")
	errFolderNotFound       = fault.New(fault.NotFound, "chat.folder_not_found", "Folder not found")
	errMemoryNotFound       = fault.New(fault.NotFound, "chat.memory_not_found", "Memory not found")
	errNotAnAnswer          = fault.Field("messageId", "chat.not_an_answer", "Only an assistant message can be rated or regenerated")
)

// owns reports whether userID owns a record of owner. An empty id owns
// nothing.
func owns(owner, userID string) bool { return userID != "" && owner == userID }

// CheckConversation returns NotFound unless userID owns c.
func CheckConversation(c Conversation, userID string) error {
	if !owns(c.UserID, userID) {
		return errConversationNotFound
	}
	return nil
}

// CheckMessage returns NotFound unless userID owns m's conversation and,
// when conversationID is not "", m belongs to that conversation.
func CheckMessage(m StoredMessage, userID, conversationID string) error {
	if !owns(m.UserID, userID) || (conversationID != "" && m.ConversationID != conversationID) {
		return errMessageNotFound
	}
	return nil
}

// CheckAnswer is CheckMessage for rating and regenerating: m must also be
// an assistant message (fault.Invalid naming messageId otherwise).
func CheckAnswer(m StoredMessage, userID string) error {
	if err := CheckMessage(m, userID, ""); err != nil {
		return err
	}
	if m.Role != RoleAssistant {
		return errNotAnAnswer
	}
	return nil
}

// CheckFolder returns NotFound unless userID owns f. Moving a conversation
// into a folder checks the folder too: a foreign folder id is NotFound.
func CheckFolder(f Folder, userID string) error {
	if !owns(f.UserID, userID) {
		return errFolderNotFound
	}
	return nil
}

// CheckMemory returns NotFound unless userID owns m.
func CheckMemory(m Memory, userID string) error {
	if !owns(m.UserID, userID) {
		return errMemoryNotFound
	}
	return nil
}
