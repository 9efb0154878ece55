package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/core/tier"
)

// chatScenario opens streams concurrent POST /api/chat streams against the
// offline model on SQLite, one conversation each, and reports time to
// first token, CPU per streamed token and memory per open stream. Each
// client holds its stream open after the first token until every stream
// has one, so the memory sample sees all of them open at once.
func chatScenario(streams int) error {
	dir, err := os.MkdirTemp("", "kente-load-chat-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	base, stop, err := startKenteWith(dir, func(c *config.Config) {
		for i := range c.Tiers.Plans { // quotas are not what this scenario measures
			c.Tiers.Plans[i].MessagesPerMinute = 10000
			c.Tiers.Plans[i].MessagesPerDay = tier.Unlimited
		}
		c.Tiers.General.Burst = 1 << 20
	})
	if err != nil {
		return err
	}
	defer stop()
	token, err := registerLoadUser(base, "chat-load@gov.gh")
	if err != nil {
		return err
	}
	auth := "Bearer " + token
	convs := make([]string, streams)
	for i := range convs {
		var out struct {
			ID string `json:"id"`
		}
		if err := postJSON(base+"/api/conversations", auth, `{}`, &out); err != nil || out.ID == "" {
			return errors.Join(errors.New("create conversation"), err)
		}
		convs[i] = out.ID
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: streams, MaxConnsPerHost: streams}}

	runtime.GC()
	var before, during runtime.MemStats
	runtime.ReadMemStats(&before)
	var ru0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)

	var (
		wg, first sync.WaitGroup
		release   = make(chan struct{})
		mu        sync.Mutex
		ttft      []time.Duration
		tokens    int
		failures  []string
	)
	question := `{"conversationId":"%s","message":"What are the procurement thresholds for district assemblies?"}`
	start := time.Now()
	for i := range streams {
		wg.Add(1)
		first.Add(1)
		go func() {
			defer wg.Done()
			firstDone := false
			markFirst := func() {
				if !firstDone {
					firstDone = true
					first.Done()
				}
			}
			defer markFirst()
			fail := func(msg string) { mu.Lock(); failures = append(failures, msg); mu.Unlock() }
			t0 := time.Now()
			req, _ := http.NewRequest("POST", base+"/api/chat", strings.NewReader(fmt.Sprintf(question, convs[i])))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", auth)
			res, err := client.Do(req)
			if err != nil {
				fail(err.Error())
				return
			}
			defer res.Body.Close()
			if res.StatusCode != 200 {
				var body bytes.Buffer
				_, _ = body.ReadFrom(res.Body)
				fail(res.Status + " " + body.String())
				return
			}
			sc := bufio.NewScanner(res.Body)
			n, done := 0, false
			for sc.Scan() {
				line, ok := strings.CutPrefix(sc.Text(), "data: ")
				if !ok {
					continue
				}
				var ev struct{ Type, Error string }
				if json.Unmarshal([]byte(line), &ev) != nil {
					fail("bad event " + line)
					return
				}
				switch ev.Type {
				case "token":
					if n == 0 {
						mu.Lock()
						ttft = append(ttft, time.Since(t0))
						mu.Unlock()
						markFirst()
						<-release
					}
					n++
				case "error":
					fail(ev.Error)
					return
				case "done":
					done = true
				}
			}
			if !done {
				fail("stream ended without done")
				return
			}
			mu.Lock()
			tokens += n
			mu.Unlock()
		}()
	}
	first.Wait()
	runtime.ReadMemStats(&during)
	close(release)
	wg.Wait()
	elapsed := time.Since(start)
	var ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)

	slices.Sort(ttft)
	pct := func(p float64) time.Duration {
		if len(ttft) == 0 {
			return 0
		}
		return ttft[min(len(ttft)-1, int(p*float64(len(ttft))))]
	}
	cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) * time.Nanosecond
	fmt.Printf("POST /api/chat, offline model, SQLite, %d concurrent streams, GOMAXPROCS=%d (client and server in one process)\n", streams, runtime.GOMAXPROCS(0))
	fmt.Printf("  completed %d/%d streams in %s, %d tokens, %d failures\n", streams-len(failures), streams, elapsed.Round(time.Millisecond), tokens, len(failures))
	fmt.Printf("  time to first token: p50 %s  p99 %s  max %s\n", pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
	if tokens > 0 {
		fmt.Printf("  CPU per streamed token (server + client, whole run incl. stores): %s\n", (cpu / time.Duration(tokens)).Round(100*time.Nanosecond))
	}
	heap := int64(during.HeapInuse) - int64(before.HeapInuse)
	gor := runtime.NumGoroutine()
	fmt.Printf("  memory with all streams open: +%d KiB heap in use (≈ %d KiB per stream, client side included); goroutines after: %d\n",
		heap/1024, heap/1024/int64(streams), gor)
	if len(failures) > 0 {
		return fmt.Errorf("%d streams failed, first: %s", len(failures), failures[0])
	}
	return nil
}

func registerLoadUser(base, email string) (string, error) {
	var reg struct {
		Token string `json:"token"`
	}
	if err := postJSON(base+"/api/auth/register", "", `{"email":"`+email+`","fullName":"Load Tester","department":"QA"}`, &reg); err != nil {
		return "", err
	}
	if reg.Token == "" {
		return "", errors.New("register did not return a token")
	}
	return reg.Token, nil
}

func postJSON(url, auth, body string, out any) error {
	req, _ := http.NewRequest("POST", url, bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s answered %d", url, res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(out)
}
