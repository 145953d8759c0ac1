#!/usr/bin/env bash
# Runs every fuzz target briefly (FUZZTIME each, 5s by default): the seed
# corpus always runs with the unit tests; this explores beyond it. A crasher
# fails the run and is saved under the package's testdata/fuzz.
set -euo pipefail
fuzztime="${FUZZTIME:-5s}"
status=0
while IFS=: read -r file _ decl; do
  name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' <<<"$decl")
  pkg="./$(dirname "$file")"
  fuzz() { go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 10x "$pkg" >/tmp/fuzz-$$.log 2>&1; }
  ok=0
  if fuzz; then
    ok=1
  elif grep -q 'context deadline exceeded' /tmp/fuzz-$$.log && ! grep -q 'Failing input written' /tmp/fuzz-$$.log; then
    # Go 1.26's fuzz coordinator may report its own -fuzztime deadline as
    # a failure when a worker is mid-call at that moment (go.dev/issue/75804,
    # fixed in Go 1.27): no input failed. Such a run is tried once more; a
    # real finding always writes its input and fails at once.
    echo "fuzz      $pkg $name: the coordinator's deadline race (no failing input), once more"
    if fuzz; then
      ok=1
    fi
  fi
  if [ "$ok" = 1 ]; then
    echo "fuzz ok   $pkg $name ($fuzztime)"
  else
    echo "fuzz FAIL $pkg $name"
    tail -40 /tmp/fuzz-$$.log
    status=1
  fi
done < <(git ls-files '*_test.go' | xargs grep -n '^func Fuzz' | sort)
rm -f /tmp/fuzz-$$.log
exit $status
