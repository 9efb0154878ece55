// Package audit holds the rules of Kente's append-only audit log, shared by
// both API families: what a record holds and the SHA-256 hash chain that
// makes editing, deleting or reordering records detectable.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Outcome says how the audited attempt ended.
type Outcome string

// Outcomes.
const (
	Success Outcome = "success"
	Failure Outcome = "failure"
	Denied  Outcome = "denied"
)

// GenesisHash is the PrevHash of the first record of a chain.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Record is one audited action.
type Record struct {
	Seq        int64  // position in the chain, from 1, assigned by the store
	ID         string // "audit_…"
	At         time.Time
	ActorID    string // user or programme user id; empty for anonymous attempts
	Action     string // e.g. "login", "login_failed", "admin.reset_account"
	TargetType string
	TargetID   string
	IP         string
	UserAgent  string
	Outcome    Outcome
	Details    json.RawMessage // a JSON object, stored byte for byte
	PrevHash   string          // Hash of the previous record, GenesisHash for the first
	Hash       string          // SHA-256 over PrevHash and every field above
}

// Validate reports a record that cannot be stored.
func (r Record) Validate() error {
	if r.Action == "" {
		return errors.New("audit action is required")
	}
	switch r.Outcome {
	case Success, Failure, Denied:
	default:
		return fmt.Errorf("audit outcome %q is not success, failure or denied", r.Outcome)
	}
	if len(r.Details) > 0 && !json.Valid(r.Details) {
		return errors.New("audit details must be valid JSON")
	}
	return nil
}

// Seal sets r's Seq, PrevHash and Hash to follow prev (nil for the first
// record). Times are hashed at microsecond precision, what every supported
// database keeps.
func Seal(r Record, prev *Record) Record {
	r.Seq, r.PrevHash = 1, GenesisHash
	if prev != nil {
		r.Seq, r.PrevHash = prev.Seq+1, prev.Hash
	}
	r.At = r.At.UTC().Truncate(time.Microsecond)
	r.Hash = r.computeHash()
	return r
}

func (r Record) computeHash() string {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	var num [8]byte
	binary.BigEndian.PutUint64(num[:], uint64(r.Seq))
	h.Write(num[:])
	binary.BigEndian.PutUint64(num[:], uint64(r.At.UTC().UnixMicro()))
	h.Write(num[:])
	for _, s := range []string{r.PrevHash, r.ID, r.ActorID, r.Action, r.TargetType, r.TargetID, r.IP, r.UserAgent, string(r.Outcome), string(r.Details)} {
		field(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Break describes where a chain stops verifying.
type Break struct {
	Seq    int64
	Reason string
}

// Verify checks records, in chain order, starting after prevHash
// (GenesisHash for the whole chain) with expected first sequence firstSeq.
// It returns nil when every record is intact and linked.
func Verify(records []Record, prevHash string, firstSeq int64) *Break {
	want := firstSeq
	for _, r := range records {
		switch {
		case r.Seq != want:
			return &Break{Seq: r.Seq, Reason: fmt.Sprintf("sequence %d where %d was expected (a record was removed or reordered)", r.Seq, want)}
		case r.PrevHash != prevHash:
			return &Break{Seq: r.Seq, Reason: "previous-hash link does not match the record before it"}
		case r.computeHash() != r.Hash:
			return &Break{Seq: r.Seq, Reason: "record contents do not match its hash (edited)"}
		}
		prevHash, want = r.Hash, want+1
	}
	return nil
}
