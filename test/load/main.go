// Command load is Kente's load harness. It starts a real server in-process
// on a fresh SQLite file, listening on loopback, drives it with a bounded
// number of concurrent keep-alive clients for a bounded time, and reports
// throughput and latency as ratios against a baseline measured in the same
// run. It sends traffic only to 127.0.0.1 and stops by itself.
//
//	go run -tags nomsgpack ./test/load -scenario profile -duration 10s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/core/identity"
)

func main() {
	scenario := flag.String("scenario", "profile", "what to measure: profile | attack | chat | all")
	duration := flag.Duration("duration", 10*time.Second, "how long each measurement runs (at most 2m)")
	conc := flag.Int("c", 32, "concurrent clients (at most 512)")
	flag.Parse()
	if *duration > 2*time.Minute || *duration <= 0 || *conc < 1 || *conc > 512 {
		fmt.Fprintln(os.Stderr, "load: -duration must be in (0, 2m] and -c in [1, 512]")
		os.Exit(2)
	}
	if err := run(*scenario, *duration, *conc); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(scenario string, d time.Duration, conc int) error {
	switch scenario {
	case "profile":
		return profileScenario(d, conc)
	case "attack":
		return attackScenario()
	case "chat":
		return chatScenario(200)
	case "all":
		if err := profileScenario(d, conc); err != nil {
			return err
		}
		if err := chatScenario(200); err != nil {
			return err
		}
		return attackScenario()
	}
	return fmt.Errorf("unknown scenario %q", scenario)
}

// result of one measurement.
type result struct {
	name     string
	requests int64
	errors   int64
	elapsed  time.Duration
	lat      []time.Duration
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	slices.Sort(r.lat)
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))]
}

func (r result) String() string {
	return fmt.Sprintf("%-28s %9.0f req/s  p50 %8s  p99 %8s  errors %d (%d requests)",
		r.name, r.rps(), r.pct(0.50), r.pct(0.99), r.errors, r.requests)
}

// hammer sends GET url with the given headers from conc clients for d.
func hammer(name, url string, hdr http.Header, conc int, d time.Duration) result {
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var n, errs atomic.Int64
	lats := make([][]time.Duration, conc)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range conc {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header = hdr.Clone()
				t0 := time.Now()
				res, err := cl.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lats[i] = append(lats[i], time.Since(t0))
				if res.StatusCode != 200 {
					errs.Add(1)
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	r := result{name: name, requests: n.Load(), errors: errs.Load(), elapsed: time.Since(start)}
	for _, l := range lats {
		r.lat = append(r.lat, l...)
	}
	return r
}

// startKente starts the full server on a fresh SQLite file and returns its
// base URL and a stop function.
func startKente(dir string) (string, func(), error) {
	return startKenteWith(dir, nil)
}

// startKenteWith is startKente with a hook to adjust the configuration.
func startKenteWith(dir string, adjust func(*config.Config)) (string, func(), error) {
	cfg := config.Defaults()
	cfg.DatabaseURL = "sqlite://" + filepath.Join(dir, "load.db")
	cfg.Addr = "127.0.0.1:0"           // the fx server binds a free port we leave idle; we serve h on ours
	cfg.Hash = identity.TestHashParams // login cost is not what this scenario measures
	cfg.Secrets = config.Secrets{CodePepper: strings.Repeat("p", 40), JWTSecret: strings.Repeat("j", 40)}
	if adjust != nil {
		adjust(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	var h http.Handler
	app := fx.New(server.OptionsFor(server.ProfileStandalone, cfg, slog.New(slog.DiscardHandler)), fx.Populate(&h), fx.NopLogger)
	if err := app.Err(); err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		_ = srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = app.Stop(ctx)
	}, nil
}

// startBare serves a bare gin handler returning the same JSON shape as the
// profile endpoint: the baseline the server's overhead is measured against.
func startBare(body []byte) (string, func(), error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/api/user/profile", func(c *gin.Context) { c.Data(200, "application/json; charset=utf-8", body) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: r}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

func profileScenario(d time.Duration, conc int) error {
	dir, err := os.MkdirTemp("", "kente-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	base, stop, err := startKente(dir)
	if err != nil {
		return err
	}
	defer stop()

	res, err := http.Post(base+"/api/auth/register", "application/json",
		bytes.NewReader([]byte(`{"email":"load@gov.gh","fullName":"Load Tester","department":"QA"}`)))
	if err != nil {
		return err
	}
	var reg struct {
		Token string `json:"token"`
	}
	err = json.NewDecoder(res.Body).Decode(&reg)
	res.Body.Close()
	if err != nil || reg.Token == "" {
		return errors.Join(errors.New("register did not return a token"), err)
	}
	hdr := http.Header{"Authorization": {"Bearer " + reg.Token}}
	req, _ := http.NewRequest("GET", base+"/api/user/profile", nil)
	req.Header = hdr.Clone()
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("profile answered %d: %s", res.StatusCode, body)
	}

	bare, stopBare, err := startBare(body)
	if err != nil {
		return err
	}
	defer stopBare()

	fmt.Printf("GET /api/user/profile, %d clients, %s each, GOMAXPROCS shared by client and server\n", conc, d)
	warm := min(d/5, 2*time.Second)
	hammer("warm-up", bare+"/api/user/profile", hdr, conc, warm)
	hammer("warm-up", base+"/api/user/profile", hdr, conc, warm)
	b := hammer("bare gin handler", bare+"/api/user/profile", hdr, conc, d)
	k := hammer("kente profile (SQLite)", base+"/api/user/profile", hdr, conc, d)
	fmt.Println(b)
	fmt.Println(k)
	fmt.Printf("ratio kente/bare: %.2f (target ≥ 0.60)\n", k.rps()/b.rps())
	if k.errors > 0 || b.errors > 0 {
		return fmt.Errorf("%d errors", k.errors+b.errors)
	}
	return nil
}
