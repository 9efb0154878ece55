package identitysvc

import (
	"sync"
	"time"
)

// tokenCache remembers authenticated principals by token hash for a short
// time, so a hot client does not cost two store reads a request. It is local
// to one process: revocations made here drop entries at once; revocations
// made by another instance are seen within the TTL.
type tokenCache struct {
	ttl  time.Duration
	size int

	mu      sync.RWMutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	p       Principal
	expires time.Time
}

func newTokenCache(ttl time.Duration, size int) *tokenCache {
	return &tokenCache{ttl: ttl, size: size, entries: make(map[string]cacheEntry)}
}

func (c *tokenCache) get(hash string, now time.Time) (Principal, bool) {
	if c.ttl <= 0 {
		return Principal{}, false
	}
	c.mu.RLock()
	e, ok := c.entries[hash]
	c.mu.RUnlock()
	if !ok || !now.Before(e.expires) {
		return Principal{}, false
	}
	return e.p, true
}

func (c *tokenCache) put(hash string, p Principal, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok && now.Before(e.expires) {
		e.p = p // refresh the principal, keep the original deadline
		c.entries[hash] = e
		return
	}
	if len(c.entries) >= c.size {
		for k, e := range c.entries { // evict expired entries, then anything
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.size {
			clear(c.entries)
		}
	}
	c.entries[hash] = cacheEntry{p: p, expires: now.Add(c.ttl)}
}

func (c *tokenCache) drop(hash string) {
	c.mu.Lock()
	delete(c.entries, hash)
	c.mu.Unlock()
}

// dropUser forgets every cached session of userID except keep.
func (c *tokenCache) dropUser(userID, keep string) {
	c.mu.Lock()
	for k, e := range c.entries {
		if e.p.User.ID == userID && k != keep {
			delete(c.entries, k)
		}
	}
	c.mu.Unlock()
}
