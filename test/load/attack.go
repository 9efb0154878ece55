package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"time"

	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/core/identity"
)

// post sends a JSON body as the client at ip (through the trusted loopback
// proxy's X-Forwarded-For) and returns the status and decoded body.
func post(base, path, ip, token string, body any) (int, map[string]any, error) {
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", base+path, bytes.NewReader(raw))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return res.StatusCode, m, nil
}

// attackScenario scripts brute-force attacks against a server with the
// production hash cost and reports how the budgets respond, plus the cost of
// a login with the slow hash.
func attackScenario() error {
	dir, err := os.MkdirTemp("", "kente-attack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	base, stop, err := startKenteWith(dir, func(c *config.Config) {
		c.Hash = identity.DefaultHashParams
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	if err != nil {
		return err
	}
	defer stop()

	// Fifty office users behind one NAT.
	var codes []string
	for i := range 50 {
		st, m, err := post(base, "/api/auth/register", "41.215.0.1", "", map[string]any{
			"email": fmt.Sprintf("staff%d@gov.gh", i), "fullName": "Staff Member"})
		if err != nil || st != 201 {
			return fmt.Errorf("register: %d %v", st, err)
		}
		codes = append(codes, m["accessCode"].(string))
	}

	// 1. Login latency with the production Argon2id cost.
	var lat []time.Duration
	for _, c := range codes[:20] {
		t0 := time.Now()
		st, _, err := post(base, "/api/auth/login", "41.215.0.1", "", map[string]any{"accessCode": c})
		if err != nil || st != 200 {
			return fmt.Errorf("login: %d %v", st, err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	fmt.Printf("login with Argon2id m=19 MiB t=2 p=1: p50 %s, max %s (20 sequential logins)\n", lat[10].Round(time.Millisecond), lat[19].Round(time.Millisecond))
	t0 := time.Now()
	st, _, _ := post(base, "/api/auth/login", "41.215.0.2", "", map[string]any{"accessCode": "OZZY-AAAA-AAAA"})
	fmt.Printf("a wrong code costs the same: %s (status %d)\n", time.Since(t0).Round(time.Millisecond), st)

	// 2. One attacker address spraying codes.
	first429, n401 := 0, 0
	for i := 1; i <= 200; i++ {
		st, _, err := post(base, "/api/auth/login", "197.255.0.1", "", map[string]any{"accessCode": fmt.Sprintf("OZZY-AAAA-%04d", i)})
		if err != nil {
			return err
		}
		if st == 401 {
			n401++
		}
		if st == 429 && first429 == 0 {
			first429 = i
		}
	}
	fmt.Printf("single-address spray: %d guesses checked, first 429 at attempt %d of 200\n", n401, first429)

	// 3. The office behind one NAT still logs in.
	ok := 0
	for _, c := range codes {
		if st, _, _ := post(base, "/api/auth/login", "41.215.0.1", "", map[string]any{"accessCode": c}); st == 200 {
			ok++
		}
	}
	fmt.Printf("office NAT during the attack: %d/%d staff logins succeeded\n", ok, len(codes))

	// 4. A distributed spray: every guess from a new address.
	checked, firstGlobal := 0, 0
	for i := 1; i <= 1200; i++ {
		ip := fmt.Sprintf("10.%d.%d.1", i/250, i%250)
		st, _, err := post(base, "/api/auth/login", ip, "", map[string]any{"accessCode": fmt.Sprintf("OZZY-BBBB-%04d", i)})
		if err != nil {
			return err
		}
		if st == 401 {
			checked++
		}
		if st == 429 && firstGlobal == 0 {
			firstGlobal = i
		}
	}
	fmt.Printf("distributed spray (1,200 addresses): %d guesses checked before the global budget (1,000 failures / 5 min) closed; first 429 at attempt %d\n", checked, firstGlobal)
	fmt.Println("a guess succeeds with probability 1/31^8 ≈ 1.2e-12 per account; 1,000 guesses per 5 min against 50 accounts: ≈ 6e-8 a window")
	return nil
}
