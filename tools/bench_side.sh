#!/bin/sh
# SPDX-License-Identifier: MIT
# Side by side (issue 17): another commit's programs (OLD=DIR, its bin/)
# and this tree's ($B/bin) on the same campaign, the same batch files and
# the same release request: `aggregator ingest --jobs 1` and one trustee's
# `trustee release` with TV_REBUILD_JOBS=1, twice each, interleaved; CPU =
# user + system (/usr/bin/time).  Also checks that both aggregators write
# byte-identical release requests.  Needs `make bench-build`.
#
#   OLD=/path/to/old/build/bin [K=32] [N=10000] sh tools/bench_side.sh
set -eu
: "${OLD:?OLD=the other commit's bin directory}"
B=${B:-build}
export B BIN="$PWD/$B/bin" TOP="$PWD"
. tests/cli/lib.sh
TV=$TOP/$B/bench/tvbench
NEW=$BIN
K=${K:-32} N=${N:-10000}
d_=$T/c
mkdir -p "$d_"
"$TV" plan -k "$K" -s 7 -a 2021-10-25 -b 2022-01-09 -o "$d_/plan.json"
campaign "$d_/k" "$d_/plan.json" 2 3
"$TV" gen -c "$d_/k/campaign.json" -o "$d_/g" -n "$N" -d 20 -j 2 >/dev/null
cput() { /usr/bin/time -f '%U %S %e %M' -o "$d_/t" "$@" >/dev/null 2>"$d_/err" || { cat "$d_/err"; exit 1; }; awk '{ printf "cpu %.2f wall %.2f rss_mib %.0f", $1 + $2, $3, $4 / 1024 }' "$d_/t"; }
srv() {	# BINDIR DIR
	rm -rf "$2"
	"$1/aggregator" init --dir "$2" --campaign "$d_/k/campaign.json" >/dev/null
	for p_ in "$d_/g"/dev/*.pub; do
		[ -f "${p_%.pub}.cert" ] || certify "$d_/k" "$p_" "${p_%.pub}.cert"
		"$1/aggregator" enroll --dir "$2" "${p_%.pub}.cert" >/dev/null
	done
}
for rep in 1 2; do
	for v in OLD NEW; do
		eval "bd=\$$v"
		[ "$v" = NEW ] && bd=$BIN
		srv "$bd" "$d_/s$v"
		echo "K=$K N=$N rep $rep $v ingest --jobs 1: $(cput "$bd/aggregator" ingest --jobs 1 --dir "$d_/s$v" $(ls "$d_/g"/batches/*/*.tvb))"
	done
done
"$BIN/aggregator" release-request --dir "$d_/sNEW" --out "$d_/req.tvr" --as-of 2022-02-01
"$OLD/aggregator" release-request --dir "$d_/sOLD" --out "$d_/req-old.tvr" --as-of 2022-02-01
cmp "$d_/req.tvr" "$d_/req-old.tvr" && echo "requests byte-identical (old vs new ingest)"
for rep in 1 2; do
	for v in OLD NEW; do
		eval "bd=\$$v"
		[ "$v" = NEW ] && bd=$BIN
		rm -rf "$d_/led$v"
		echo "K=$K N=$N rep $rep $v trustee release (recount, TV_REBUILD_JOBS=1): $(cput env TV_REBUILD_JOBS=1 "$bd/trustee" release --campaign "$d_/k/campaign.json" --share "$d_/k/t1.share" --key "$d_/k/t1.key" --first-release --request "$d_/req.tvr" --ledger "$d_/led$v" --out "$d_/p$v.json" --passphrase-file "$d_/k/pass" --today 2022-02-01)"
	done
done
rm -rf "$T"
