# make test runs every check CI runs. Tests that need PostgreSQL or Chromium
# run when those are present (see README); .ci/run provides them.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOTESTFLAGS ?=

.PHONY: test fmt-check vet staticcheck unit fuzz build run bench

test: fmt-check vet staticcheck unit fuzz

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	go vet ./...

staticcheck:
	go run $(STATICCHECK) ./...

unit:
	bash scripts/gotest.sh $(GOTESTFLAGS)

# Every fuzz target for FUZZTIME (default 5s): no panic, no partial write.
fuzz:
	bash scripts/fuzz.sh

build:
	go build -o bin/filiere ./cmd/filiere

run:
	go run ./cmd/filiere serve --demo

bench:
	go run ./cmd/filiere-bench
