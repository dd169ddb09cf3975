#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every test: unit binaries (TAP), then the shell tests in tests/cli/.
# Prints one line per test and ends with "N passed, N failed".
# Usage: B=build sh tests/run.sh [name-filter]
set -u
B=${B:-build}
export B BIN="$PWD/$B/bin" TOP="$PWD"
filter=${1:-}
logdir=$(mktemp -d "${TMPDIR:-/tmp}/tallyvan-tests.XXXXXX")
pass=0
fail=0
failed=""

run() {	# name command...
	name=$1
	shift
	case "$name" in *"$filter"*) ;; *) return ;; esac
	start=$(date +%s)
	log="$logdir/$(echo "$name" | tr / _).log"
	if "$@" >"$log" 2>&1; then
		pass=$((pass + 1))
		printf 'PASS %-40s %3ss\n' "$name" $(($(date +%s) - start))
		# The test's own summary lines: its figures.
		grep -v -e '^ok ' -e '^1\.\.' -e '^#' -e '^[a-z_-]*: ' "$log" |
			tail -6 | sed 's/^/    /'
	else
		fail=$((fail + 1))
		failed="$failed $name"
		printf 'FAIL %-40s %3ss\n' "$name" $(($(date +%s) - start))
		sed 's/^/    | /' "$log" | grep -v '^    | ok ' | tail -40
	fi
}

for t in "$B"/tests/t_*; do
	[ -x "$t" ] || continue
	run "unit/$(basename "$t")" "$t"
done
for t in tests/cli/*.sh; do
	[ -f "$t" ] && [ "$t" != tests/cli/lib.sh ] || continue
	run "cli/$(basename "$t" .sh)" sh "$t"
done

echo
[ -n "$failed" ] && echo "failed:$failed (logs in $logdir)"
[ -z "$failed" ] && rm -rf "$logdir"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
