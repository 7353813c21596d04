# Credence: common tasks. `make help` lists them.
GO        ?= go
BIN       ?= bin/credence
DB        ?= credence.db
PG_TEST   ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: help run test test-postgres e2e vet lint build bench fuzz frontend-test clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

run: ## serve on SQLite with demo data (prints where to open it and how to sign in)
	$(GO) run ./cmd/credence serve --db $(DB) --demo

build: ## build the credence binary into bin/
	$(GO) build -o $(BIN) ./cmd/credence

test: ## vet and run every test with the race detector on SQLite
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

test-postgres: ## run the store, application-service and API suites, and the compose file's cluster, against PostgreSQL (PG_TEST=...)
	CREDENCE_TEST_POSTGRES='$(PG_TEST)' $(GO) test -race -count=1 -timeout 30m ./models/... ./app/... ./api/... ./bench/...
	CREDENCE_TEST_POSTGRES='$(PG_TEST)' $(GO) test -race -count=1 -timeout 30m -run 'OnPostgreSQL' ./cmd/credence/

frontend-test: ## run the browser modules' unit tests with Node's test runner
	node --test frontend/test/

bench: ## run the Go benchmarks once
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	$(GO) vet ./...

clean: ## remove build output
	rm -rf bin
