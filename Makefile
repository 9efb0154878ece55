# Kente — two commands for a newcomer: `make run` and `make test`.
GO      ?= go
TAGS    := nomsgpack
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/kente-gov/kente/app/server.Version=$(VERSION)
# Packages without a test run under the race detector in `make test`.
NORACE  := $(shell $(GO) list ./... 2>/dev/null | grep -v -E '/(core|app)(/|$$)' | grep -v '/test/load')
FUZZTIME ?= 30s

.PHONY: run build test test-race test-rest vet bench load fuzz lint fmt clean

## run: start the server on an embedded SQLite file (./kente.db)
run:
	$(GO) run -tags $(TAGS) -ldflags "$(LDFLAGS)" ./app/cmd/kente serve

## build: build bin/kente
build:
	CGO_ENABLED=0 $(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o bin/kente ./app/cmd/kente

## test: vet, unit, contract and e2e tests; race detector on core and app; fuzz seed corpora run as tests
test: vet test-race test-rest

vet:
	$(GO) vet -tags $(TAGS) ./...
	@test -z "$$(gofmt -l core ports app adapters examples test)" || (echo "gofmt needed:"; gofmt -l core ports app adapters examples test; exit 1)

test-race:
	$(GO) test -tags $(TAGS) -race -count=1 -timeout 10m ./core/... ./app/...

test-rest:
	$(GO) test -tags $(TAGS) -count=1 -timeout 15m $(NORACE)

## bench: benchmarks of core maths, stores and the HTTP adapter (not part of make test)
bench:
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem -count=1 ./core/... ./adapters/...
	$(GO) run -tags $(TAGS) ./test/load -scenario profile -duration 10s

## load: the load harness against an in-process server on SQLite
load:
	$(GO) run -tags $(TAGS) ./test/load -scenario all -duration 20s

## fuzz: run every fuzz target for FUZZTIME each
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for f in $$(grep -h -o '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/^func //'); do \
	    echo "== $$pkg $$f"; \
	    $(GO) test -tags $(TAGS) -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## lint: gofmt, go vet, and golangci-lint when installed
lint: vet
	@if command -v golangci-lint >/dev/null; then golangci-lint run --build-tags $(TAGS); else echo "golangci-lint not installed; ran gofmt and go vet"; fi

fmt:
	gofmt -w core ports app adapters examples test

clean:
	rm -rf bin
