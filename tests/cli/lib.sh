# SPDX-License-Identifier: MIT
# Shared set-up for the shell tests: sourced, not run.
set -eu
: "${BIN:?run through tests/run.sh or set BIN}"
TOP=${TOP:-$PWD}
T=$(mktemp -d "${TMPDIR:-/tmp}/tallyvan-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
umask 077
PLAN=$TOP/docs/examples/demo-plan.json
TABLE=$TOP/${B:-build}/bsgs-16.tbl
TOOLS=$TOP/${B:-build}/testtools

fail() { echo "FAIL: $*" >&2; exit 1; }
# must_fail CODE cmd...: the command must exit with exactly CODE.
must_fail() {
	want=$1
	shift
	set +e
	"$@"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || fail "expected exit $want, got $got: $*"
}
# newpass FILE: a strong random passphrase.  A '-' between characters:
# cracklib (behind libpwquality, which judges new passphrases) calls
# "systematic" a string with more than four neighbouring pairs like "ab"
# or "32", and plain random base64 has that a few times in a hundred.
newpass() { head -c 24 /dev/urandom | base64 | sed 's/./&-/g; s/-$//' >"$1"; }

# campaign DIR [PLAN] [T] [N]: a T-of-N key ceremony in DIR (default
# 1-of-1): trustee keys tI.key/tI.pub, shares tI.share, the signed
# DIR/campaign.json; one passphrase (DIR/pass) for everything.
campaign() {
	cd_=$1
	t_=${3:-1}
	n_=${4:-$t_}
	mkdir -p "$cd_"
	newpass "$cd_/pass"
	echo "$t_" >"$cd_/threshold"
	i_=1
	trs_=""
	while [ "$i_" -le "$n_" ]; do
		"$BIN/trustee" keygen --name "t$i_" --key "$cd_/t$i_.key" \
			--pub "$cd_/t$i_.pub" --passphrase-file "$cd_/pass" \
			--kdf interactive >/dev/null
		trs_="$trs_ --trustee $cd_/t$i_.pub"
		i_=$((i_ + 1))
	done
	# shellcheck disable=SC2086
	"$BIN/trustee" deal --plan "${2:-$PLAN}" --threshold "$t_" $trs_ \
		--bundle "$cd_/unsigned.json" --shares "$cd_/boxes" >/dev/null
	sigs_=""
	i_=1
	while [ "$i_" -le "$n_" ]; do
		"$BIN/trustee" accept --bundle "$cd_/unsigned.json" \
			--share "$cd_/boxes/share-$i_-t$i_.box" --key "$cd_/t$i_.key" \
			--out "$cd_/t$i_.share" --sig "$cd_/t$i_.sig" \
			--passphrase-file "$cd_/pass" --kdf interactive >/dev/null
		sigs_="$sigs_ --sig $cd_/t$i_.sig"
		i_=$((i_ + 1))
	done
	# shellcheck disable=SC2086
	"$BIN/trustee" finalize --bundle "$cd_/unsigned.json" $sigs_ \
		--out "$cd_/campaign.json" >/dev/null
}

# device DIR CAMPAIGN: a collector with passphrase DIR.pass
device() {
	newpass "$1.pass"
	"$BIN/collector" init --dir "$1" --campaign "$2" --kdf interactive \
		--passphrase-file "$1.pass" >/dev/null
}

# field: a synthetic season (tools/scenario.c) in $T/field, from $SEED or
# a random seed, which it prints so that a failure can be replayed.
field() {
	seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
	echo "seed $seed (rerun with SEED=$seed)"
	mkdir "$T/field"
	"$BIN/scenario" --seed "$seed" --out "$T/field" >/dev/null
}

# van DIR CAMPAIGN CSV OUTDIR: a collector (device DIR) that imports the
# visits of CSV and exports its batches to OUTDIR
van() {
	device "$1" "$2"
	"$BIN/collector" import --dir "$1" --passphrase-file "$1.pass" "$3" \
		>/dev/null
	"$BIN/collector" export --dir "$1" --passphrase-file "$1.pass" \
		--out "$4" >/dev/null
}

# certify CAMPAIGNDIR DEVICE.pub OUT.cert [NAME [SITES [FROM UNTIL]]]: a
# device certificate signed by the first T trustees of CAMPAIGNDIR (name:
# the device directory's; sites: all; days: the campaign's).
certify() {
	cd2_=$1
	rm -f "$3"
	win_=""
	[ $# -ge 7 ] && win_="--from $6 --until $7"
	# shellcheck disable=SC2086
	"$BIN/trustee" certify --campaign "$cd2_/campaign.json" --key "$cd2_/t1.key" \
		--passphrase-file "$cd2_/pass" --cert "$3" --device "$2" \
		--name "${4:-$(basename "$(dirname "$2")")}" --sites "${5:-all}" \
		$win_ >/dev/null 2>&1 || fail "trustee 1 cannot certify $2"
	ci_=2
	while [ "$ci_" -le "$(cat "$cd2_/threshold")" ]; do
		"$BIN/trustee" certify --campaign "$cd2_/campaign.json" \
			--key "$cd2_/t$ci_.key" --passphrase-file "$cd2_/pass" \
			--cert "$3" >/dev/null 2>&1 || fail "trustee $ci_ cannot certify $2"
		ci_=$((ci_ + 1))
	done
}

# revocation CAMPAIGNDIR DEVICE.pub LAST_SEQ OUT.rev: a revocation signed
# by the first T trustees.
revocation() {
	rm -f "$4"
	"$BIN/trustee" revoke --campaign "$1/campaign.json" --key "$1/t1.key" \
		--passphrase-file "$1/pass" --rev "$4" --device "$2" \
		--last-seq "$3" >/dev/null 2>&1 || fail "trustee 1 cannot revoke $2"
	ci_=2
	while [ "$ci_" -le "$(cat "$1/threshold")" ]; do
		"$BIN/trustee" revoke --campaign "$1/campaign.json" \
			--key "$1/t$ci_.key" --passphrase-file "$1/pass" \
			--rev "$4" >/dev/null 2>&1 || fail "trustee $ci_ cannot revoke $2"
		ci_=$((ci_ + 1))
	done
}

# visit DIR SITE DATE: one visit of a new person (a counter names them) on
# collector DIR, at SITE on DATE, with the demo plan's answers.
visit_n=0
visit() {
	visit_n=$((visit_n + 1))
	printf 'first_name=Visitor %s\nlast_name=Test\nbirth_date=1985-03-04\n' \
		"$visit_n" |
		"$BIN/collector" record --dir "$1" --passphrase-file "$1.pass" \
		--site "$2" --date "$3" gender=f age_band=26-44 first_contact=yes \
		topics=employment outcomes=immediate_advice >/dev/null
}
# export_to DIR OUT: collector DIR's batches as files in OUT.
export_to() { "$BIN/collector" export --dir "$1" --passphrase-file "$1.pass" --out "$2" >/dev/null; }

# enrol SERVER CAMPAIGNDIR DEVICEDIR [ENROLL OPTION...]: certify the device
# (DEVICEDIR.cert) and enrol it.
enrol() {
	srv2_=$1
	certify "$2" "$3/device.pub" "$3.cert"
	dev2_=$3
	shift 3
	"$BIN/aggregator" enroll --dir "$srv2_" "$@" "$dev2_.cert" >/dev/null
}

# server DIR CAMPAIGN DEVICE...: an aggregator with the devices certified
# by the first T trustees of the campaign's directory, and enrolled
server() {
	s=$1
	c=$2
	shift 2
	"$BIN/aggregator" init --dir "$s" --campaign "$c" >/dev/null
	for d in "$@"; do
		enrol "$s" "$(dirname "$c")" "$d"
	done
}

# first_release LEDGER: --first-release when LEDGER does not exist yet
first_release() { [ -d "$1" ] || echo --first-release; }

# partial CAMPAIGNDIR REQUEST I OUT: trustee I's partial decryptions (its
# first release when its ledger CAMPAIGNDIR/ledger-tI does not exist yet)
partial() {
	# shellcheck disable=SC2046
	"$BIN/trustee" release --campaign "$1/campaign.json" --key "$1/t$3.key" \
		--share "$1/t$3.share" --request "$2" --ledger "$1/ledger-t$3" \
		--out "$4" --passphrase-file "$1/pass" $(first_release "$1/ledger-t$3")
}

# release SERVER CAMPAIGNDIR OUT [AS_OF [TRUSTEE...]]: request, the
# trustees' partials (default: the first T), publish into OUT.  With
# PREVIOUS set (a release directory), the request follows that release.
release() {
	srv_=$1
	cdir_=$2
	out_=$3
	# shellcheck disable=SC2046
	"$BIN/aggregator" release-request --dir "$srv_" --out "$out_.tvr" \
		--as-of "${4:-2022-01-10}" ${PREVIOUS:+--previous "$PREVIOUS"} >/dev/null
	[ $# -ge 4 ] && shift 4 || set --
	[ $# -gt 0 ] || set -- $(seq 1 "$(cat "$cdir_/threshold")")
	parts_=""
	for i_ in "$@"; do
		partial "$cdir_" "$out_.tvr" "$i_" "$out_.p$i_.json"
		parts_="$parts_ --partial $out_.p$i_.json"
	done
	# shellcheck disable=SC2086
	"$BIN/aggregator" publish --dir "$srv_" --request "$out_.tvr" $parts_ \
		--out "$out_" --table "$TABLE"
}

# value CSV SITE PERIOD LABEL INDICATOR: a released value, or the status
value() {
	awk -F, -v s="$2" -v p="$3" -v l="$4" -v i="$5" \
		'$1 == s && $2 == p && $3 == l && $7 == i {
			print ($9 == "released" ? $8 : $9) }' "$1"
}

# truth_compare TRUTH RELEASE: every released value equals the scenario's
# ground truth, every cell of 11+ records is released or suppressed for
# differencing, every smaller one suppressed.
truth_compare() {
	awk -F, '
	FNR == NR { if (FNR > 1) { v[$1","$2","$3","$4] = $5; n[$1","$2","$3] = $6 }; next }
	FNR == 1 { next }
	{
		cell = $1","$2","$3; recs = (cell in n) ? n[cell] : 0
		if ($9 == "released") {
			checked++
			if (v[cell","$7] + 0 != $8 + 0) { bad++; print "value differs: " $0 " truth " v[cell","$7] }
			if ($6 + 0 != recs) { bad++; print "records differ: " $0 " truth " recs }
			if (recs < 11) { bad++; print "released under the cohort: " $0 }
		} else if ($9 == "suppressed" && ($10 == "differencing" || $10 == "secondary")) {
			diff++
		} else if ($9 == "suppressed") {
			supp++
			if (recs >= 11) { bad++; print "suppressed a cell of " recs ": " $0 }
		} else { bad++; print "unexpected status: " $0 }
	}
	END {
		printf "%d released values equal ground truth, %d suppressed (min cohort), %d (differencing, secondary)\n", checked, supp, diff
		if (checked == 0) { print "nothing released"; bad++ }
		exit bad > 0
	}' "$1" "$2"
}

# small_release [DIR [PLAN]]: campaign DIR/k (1 of 1) for PLAN (default
# the demo plan), device DIR/A with 12 visits at a-gare on 2021-11-02
# (over min_cohort: released cells), exported to DIR/out, ingested by
# server DIR/S and released into DIR/rel.  DIR defaults to $T.
small_release() {
	sd_=${1:-$T}
	campaign "$sd_/k" "${2:-$PLAN}"
	device "$sd_/A" "$sd_/k/campaign.json"
	n_=0
	while [ "$n_" -lt 12 ]; do
		visit "$sd_/A" a-gare 2021-11-02
		n_=$((n_ + 1))
	done
	export_to "$sd_/A" "$sd_/out"
	server "$sd_/S" "$sd_/k/campaign.json" "$sd_/A"
	"$BIN/aggregator" ingest --dir "$sd_/S" "$sd_"/out/*.tvb >/dev/null
	release "$sd_/S" "$sd_/k" "$sd_/rel" >/dev/null 2>&1
}

# spread_visits DIR N: N distinct visitors recorded on device DIR at
# a-gare, over 2021-11-01 .. 2021-11-09.
spread_visits() {
	k_=0
	while [ "$k_" -lt "$2" ]; do
		k_=$((k_ + 1))
		printf 'first_name=Visitor %s\nlast_name=Test\nbirth_date=1980-05-06\n' "$k_" |
			"$BIN/collector" record --dir "$1" --passphrase-file "$1.pass" \
			--site a-gare --date "2021-11-0$(( k_ % 9 + 1 ))" gender=f \
			age_band=26-44 first_contact=yes topics=employment \
			outcomes=immediate_advice >/dev/null
	done
}
