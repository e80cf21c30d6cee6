#!/usr/bin/env bash
# README command 2 (and .ci/run): the whole default test suite. Runs every step
# even after a failure, prints a summary, and exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! bash scripts/setup.sh; then
  echo "test: setup failed; nothing was tested" >&2
  exit 1
fi

results=()
failed=0

step() {
  local name=$1
  shift
  echo
  echo "=== $name: $*"
  local started=$SECONDS
  local code=0
  "$@" || code=$?
  if [ "$code" -eq 0 ]; then
    results+=("PASS  $name ($((SECONDS - started)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - started)) s, exit $code)")
    failed=1
  fi
}

python_tests() {
  local files
  files=$(find python/tests -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | head -n 1)
  local code=0
  (cd python && /usr/bin/python3 -m pytest -q) || code=$?
  # pytest exit 5 = "no tests collected": a failure only if there are tests to collect.
  if [ "$code" -eq 5 ] && [ -z "$files" ]; then
    echo "test: python/tests has no test files yet; skipping the Python suite"
    return 0
  fi
  return "$code"
}

step "generated code" node scripts/generate.mjs --check
step "buf lint" npx --no-install buf lint
step "biome" npx --no-install biome check .
step "typecheck" npx --no-install tsc -p tsconfig.json
vitest_report=$(mktemp -t toolbridge-vitest.XXXXXX.json)
trap 'rm -f "$vitest_report"' EXIT
step "vitest" npx --no-install vitest run --reporter=default --reporter=json --outputFile="$vitest_report"
step "pytest" python_tests

echo
echo "=== summary"
printf '%s\n' "${results[@]}"
# Name the failed tests here too: a reader of the tail alone must see them.
case "${results[*]}" in
*"FAIL  vitest"*) node scripts/vitest-failures.mjs "$vitest_report" ;;
esac
if [ "$failed" -ne 0 ]; then
  echo "test: FAILED"
  exit 1
fi
echo "test: all passed"
