# Corridor — build, run and test. `make run` starts a development node;
# `make test` runs every test (what CI runs).

GO        ?= go
BIN       := build/corridord
CORRIDOR_HOME ?= $(CURDIR)/.corridor-dev
KEYS      ?= 1000000
VALIDATORS ?= 4
LDFLAGS   := -X github.com/landsea/corridor/app.Version=$(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: build run test test-unit test-e2e test-race fuzz proto proto-check fmt-check vet localnet bench bench-store bench-e2e e2e-long clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/corridord

## run: build, create a single-validator chain with demo data under
## $(CORRIDOR_HOME) if it does not exist, and start it (Ctrl-C stops).
run: build
	CORRIDOR_HOME=$(CORRIDOR_HOME) ./scripts/run.sh $(BIN)

## test: generated code up to date, formatting, vet, every test (with the
## store's invariant checks on), a short fuzz run and the multi-node tests.
test: proto-check fmt-check vet test-unit fuzz

test-unit:
	$(GO) test -count=1 -tags invariants -timeout 20m ./...
	# Skipped above: Pebble's own invariant checks, on with the same tag,
	# panic after some injected I/O errors (see the test).
	$(GO) test -count=1 -run 'TestErrorAtEveryOperation' ./store/

## test-race: every test with Go's race detector, and the multi-node tests
## on race-built corridord processes (a report in a node's log fails the
## test). Slower than test: about ten minutes on two cores.
test-race:
	$(GO) test -count=1 -race -short -timeout 30m ./...
	CORRIDORD_TEST_RACE=1 $(GO) test -count=1 -timeout 30m ./cmd/corridord/

fuzz:
	# Budgets are counts of inputs, not seconds: with -fuzztime in seconds,
	# Go 1.26's fuzzing coordinator can fail a target that found nothing
	# with "context deadline exceeded" when its deadline passes while a
	# worker is mid-input (go.dev/issue/75804, fixed in Go 1.27). Each count
	# is about 15 s of fuzzing here.
	$(GO) test -run '^$$' -fuzz FuzzDecodeTx -fuzztime 40000x ./app/
	# By default the fuzzer spends up to a minute minimizing each input that
	# reached new code; on the store that left 40 inputs run in 45 s. One try
	# per candidate runs about a thousand a second.
	$(GO) test -tags invariants -run '^$$' -fuzz FuzzImportChunk -fuzztime 15000x -fuzzminimizetime 1x ./store/

proto:
	./scripts/protogen.sh

proto-check: proto
	@git diff --exit-code -- '*.pb.go' || (echo "generated protobuf code is stale: run 'make proto' and commit"; exit 1)
	@test -z "$$(git status --porcelain -- '*.pb.go')" || (echo "generated protobuf files are not committed:"; git status --short -- '*.pb.go'; exit 1)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || (echo "gofmt needed:"; echo "$$out"; exit 1)

vet:
	$(GO) vet ./...

## localnet: VALIDATORS (4 or 15) nodes on 127.0.0.1, started and stopped by script.
localnet: build
	./scripts/localnet.sh $(BIN) $(VALIDATORS)

bench-store:
	cd bench/storebench && $(GO) run . -keys $(KEYS)

## bench-e2e: the application in-process (no consensus, no network) against
## a real single-validator node over gRPC, in one run: one small message
## per tx, and customs declarations in bulk. Figures in docs/benchmarks.md.
bench-e2e:
	$(GO) run ./bench/e2ebench -txs 20000 -records 60000

bench: bench-store bench-e2e

## bench-access: access events — events/s into the node's outbox against
## raw Pebble synced writes (same run), events/s committed through the
## application, and a real node serving signed reads. docs/benchmarks.md.
.PHONY: bench-access
bench-access:
	$(GO) test -run '^$$' -bench 'BenchmarkOutboxRecord|BenchmarkPebbleSyncedSet' -benchtime 3s ./app/node/
	$(GO) test -run '^$$' -bench 'BenchmarkAccessEventsLedger' -benchtime 20x ./app/
	CORRIDOR_BENCH_ACCESS=1 $(GO) test -count=1 -run 'TestAccessReadThroughput' -v -timeout 15m ./cmd/corridord/

## bench-commit: blocks of 10,000 updates of existing keys against blocks of
## 10,000 new keys on the same 300,000-key store, in one run (changes/s).
.PHONY: bench-commit
bench-commit:
	$(GO) test -run '^$$' -bench 'BenchmarkCommit' -benchtime 20x -count 3 ./store/

e2e-long: build
	CORRIDOR_E2E_LONG=1 $(GO) test -count=1 -tags invariants -timeout 90m -run 'E2E' -v ./cmd/corridord/

clean:
	rm -rf build
