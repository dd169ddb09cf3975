#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/seeds.sh TEST...: run each tests/cli/TEST.sh with $SEEDS random
# seeds (make seeds); print every failing test and seed, exit 1 if any.
set -u
: "${B:=build}"
n=0 bad=0
while [ "$n" -lt "${SEEDS:-10}" ]; do
	seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	for t in "$@"; do
		if SEED=$seed B=$B sh tests/run.sh "cli/$t" >/dev/null 2>&1; then
			echo "ok   $t SEED=$seed"
		else
			echo "FAIL $t SEED=$seed (rerun: SEED=$seed B=$B sh tests/run.sh cli/$t)"
			bad=$((bad + 1))
		fi
	done
	n=$((n + 1))
done
echo "$n seed(s), $bad failure(s)"
[ "$bad" -eq 0 ]
