#!/usr/bin/env bash
# Runs go test -race over the module, prints one line per package, the
# failures in full, and a summary counting the subtests run on each database
# engine, so the output shows the store tests ran on SQLite and PostgreSQL.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# internal/demo runs without the race detector: its tests generate the
# whole demo cluster through the pure-Go SQLite, which the detector slows
# about twentyfold (45 s a generation instead of 2, seven generations). The
# domain code the demo drives is race-tested in its own packages; what goes
# unchecked for races is the demo's own background job runner.
go test -race -count=1 -v "$@" $(go list ./... | grep -v '/internal/demo$') >"$log" 2>&1
status=$?
go test -count=1 -v "$@" ./internal/demo/ >>"$log" 2>&1 || status=$?
# Package lines (ok / FAIL / no test files) and panics.
grep -E '^(ok|FAIL|panic:|---|\?)' "$log" | grep -v -- '^--- PASS' || true
if [ $status -ne 0 ]; then
  echo
  echo "=== failures (everything but passing lines) ==="
  grep -v -E '^\s*(=== (RUN|PAUSE|CONT|NAME)|--- PASS|PASS$)' "$log" | tail -400
fi
passed=$(grep -cE '^\s*--- PASS' "$log")
failed=$(grep -cE '^\s*--- FAIL' "$log")
skipped=$(grep -cE '^\s*--- SKIP' "$log")
sqlite=$(grep -cE '^\s*--- PASS: \S+/sqlite ' "$log")
postgres=$(grep -cE '^\s*--- PASS: \S+/postgres ' "$log")
echo
echo "engines: ${sqlite} store tests passed on sqlite, ${postgres} on postgres"
if [ "$skipped" -gt 0 ]; then
  echo "skipped:"
  grep -E '^\s*--- SKIP' "$log"
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $status
