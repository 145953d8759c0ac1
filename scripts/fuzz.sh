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
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 10x "$pkg" >/tmp/fuzz-$$.log 2>&1; then
    echo "fuzz ok   $pkg $name ($fuzztime)"
  else
    echo "fuzz FAIL $pkg $name"
    tail -40 /tmp/fuzz-$$.log
    status=1
  fi
done < <(git ls-files '*_test.go' | xargs grep -n '^func Fuzz' | sort)
rm -f /tmp/fuzz-$$.log
exit $status
