# SPDX-License-Identifier: MIT
# Shared set-up for the HTTP tests (tests/cli/http_*.sh): sourced after
# tests/cli/lib.sh.  Servers listen on 127.0.0.1 only, on a random port
# under the ephemeral range (so that a client's own source port can never
# be the port it dials), and are killed when the test exits.
HTOOLS=$TOP/${B:-build}/tests/http
PIDS=""
trap 'for p in $PIDS; do kill -9 "$p" 2>/dev/null || :; done; rm -rf "$T"' EXIT
# The demo plan without per-record proofs: these tests exercise the
# transport, and proofs cost ~15 ms per record at capture and at ingest.
sed 's/"proofs": *true/"proofs": false/' "$PLAN" >"$T/plan.json"
PLAN=$T/plan.json

rand() {	# rand N: 0 .. N-1
	echo $(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % $1 ))
}
msleep() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }
now_ms() { date +%s%3N; }
forget() {	# forget PID: no longer ours to kill
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
}

# serve_on DIR PORT [OPTS]: start the aggregator, wait until it listens.
# Returns 1 if it exited first (port taken).  Sets SRV_PID.
serve_on() {
	sdir=$1 sport=$2
	shift 2
	slog=$T/serve.$sport.$(date +%s%N).log
	: >"$slog"
	"$BIN/aggregator" serve --dir "$sdir" --listen "127.0.0.1:$sport" \
		"$@" 2>"$slog" &
	SRV_PID=$!
	PIDS="$PIDS $SRV_PID"
	i=0
	while ! grep -q 'listening on' "$slog"; do
		if ! kill -0 "$SRV_PID" 2>/dev/null; then
			cat "$slog" >>"$T/serve.log"
			wait "$SRV_PID" 2>/dev/null || :
			forget "$SRV_PID"
			return 1
		fi
		i=$((i + 1))
		[ $i -lt 500 ] || fail "aggregator did not start: $(cat "$slog")"
		msleep 10
	done
	SRV_LOG=$slog
	return 0
}

# serve DIR [OPTS]: on a free random port; sets PORT, URL, SRV_PID.
serve() {
	sd=$1
	shift
	n=0
	while :; do
		PORT=$((20000 + $(rand 12000)))
		if serve_on "$sd" "$PORT" "$@"; then break; fi
		n=$((n + 1))
		[ $n -lt 20 ] || fail "no free port after 20 tries"
	done
	URL=http://127.0.0.1:$PORT
}

# restart DIR [OPTS]: the aggregator again on the same PORT.
restart() {
	sd=$1
	shift
	n=0
	until serve_on "$sd" "$PORT" "$@"; do
		n=$((n + 1))
		[ $n -lt 100 ] || fail "cannot listen on $PORT again"
		msleep 50
	done
}

# stop_server [SIGNAL]: stop SRV_PID and wait for it; after SIGTERM it
# must exit 0.
stop_server() {
	src=0
	kill "-${1:-TERM}" "$SRV_PID" 2>/dev/null || :
	wait "$SRV_PID" 2>/dev/null || src=$?
	forget "$SRV_PID"
	[ -z "${SRV_LOG:-}" ] || cat "$SRV_LOG" >>"$T/serve.log"
	[ "${1:-TERM}" != TERM ] || [ $src = 0 ] ||
		fail "aggregator exited $src on SIGTERM: $(tail -5 "$SRV_LOG")"
}

# sanitizer_clean: no ASan/UBSan/LSan report in the logs of this test.
sanitizer_clean() {
	if grep -l -e 'Sanitizer' -e 'runtime error:' "$T"/*.log "$T"/*.err \
	    "$T"/*.out "$T"/rec.* 2>/dev/null; then
		fail "sanitizer report in the logs above"
	fi
}

# The site ids of the plan, in plan order (cells are keyed by this index).
plan_sites() {
	sed -n '/"sites"/,/\]/p' "$PLAN" | grep -o '"id": *"[^"]*"' |
		sed 's/.*"\([^"]*\)"$/\1/'
}

# visits_csv OUT FIRST COUNT: COUNT visits numbered FIRST.. for import
# (after campaign_dates); their cells are appended to OUT.cells as
# "siteindex dayoffset".
visits_csv() {
	awk -v first="$2" -v count="$3" -v cells="$1.cells" '
		BEGIN { srand(first) }
		FNR == NR { site[ns++] = $1; next }
		FNR == 1 { next }
		{ date[nd++] = $1 }
		END {
			print "date,site,first_name,last_name,birth_date,gender,age_band,topics,outcomes,first_contact"
			for (i = first; i < first + count; i++) {
				s = i % ns; d = int(i / ns) % nd
				g = (i % 3 == 0) ? "f" : ((i % 3 == 1) ? "m" : "x")
				printf "%s,%s,P%d,Test%d,19%02d-0%d-1%d,%s,26-44,employment,immediate_advice,yes\n",
				    date[d], site[s], i, i, 50 + i % 40, 1 + i % 9, i % 10, g
				print s, d >> cells
			}
		}' "$T/sites" "$T/dates" >"$1"
}

# The campaign's days, "YYYY-MM-DD" in order, in $T/dates (with a header
# line) and its sites in $T/sites; DAY0 is the first day as a day number,
# NSITES the number of sites.  Visit V goes to cell (V % NSITES,
# (V / NSITES) % 77): the first 539 visits each have a cell of their own.
campaign_dates() {
	plan_sites >"$T/sites"
	NSITES=$(wc -l <"$T/sites")
	start=$(grep -o '"start": *"[0-9-]*"' "$PLAN" | grep -o '[0-9-]\{10\}')
	DAY0=$(( $(date -u -d "$start" +%s) / 86400 ))
	echo date >"$T/dates"
	i=0
	while [ $i -lt 77 ]; do
		date -u -d "@$(( (DAY0 + i) * 86400 ))" +%F >>"$T/dates"
		i=$((i + 1))
	done
}
cell_of() { echo "$(($1 % NSITES)) $(($1 / NSITES % 77))"; }

# visit_prep V: visit V's identity lines in $T/in.V, its site and date in
# VSITE and VDATE; VFIELDS holds its form fields.
VFIELDS="gender=f age_band=26-44 first_contact=yes topics=employment outcomes=immediate_advice"
visit_prep() {
	printf 'first_name=V%s\nlast_name=Visit\nbirth_date=1980-02-03\n' "$1" >"$T/in.$1"
	VSITE=$(sed -n "$(($1 % NSITES + 1))p" "$T/sites")
	VDATE=$(sed -n "$(($1 / NSITES % 77 + 2))p" "$T/dates")
}
# record_visit DIR V: collector record of visit V.
record_visit() {
	visit_prep "$2"
	# shellcheck disable=SC2086
	"$BIN/collector" record --dir "$1" --passphrase-file "$1.pass" \
		--site "$VSITE" --date "$VDATE" $VFIELDS <"$T/in.$2"
}

# cells SRVDIR: "siteindex dayoffset count" for every cell stored, sorted.
cells() {
	mdb_dump -s cells "$1/store" | awk -v day0="$DAY0" '
		function hex(s,   n, i) {
			n = 0
			for (i = 1; i <= length(s); i++)
				n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return n
		}
		/^HEADER=END/ { data = 1; next }
		/^DATA=END/ { data = 0 }
		data && /^ / {
			if (++k % 2 == 1) { key = substr($1, 1, 16); next }
			print hex(substr(key, 1, 8)), hex(substr(key, 9, 8)) - 2147483648 - day0,
			    hex(substr($1, 1, 16))
		}' | sort -n -k1,1 -k2,2
}

# expected CELLSFILE...: "siteindex dayoffset count" from visits_csv lists.
expected() {
	cat "$@" | sort | uniq -c | awk '{ print $2, $3, $1 }' | sort -n -k1,1 -k2,2
}

# stat_of SRVDIR NAME: a count from aggregator status.
stat_of() { "$BIN/aggregator" status --dir "$1" | awk -v n="$2" '$1 == n { print $2 }'; }
# dstat DEVDIR FIELD: captured, pending, sealed, exported, acknowledged.
dstat() {
	"$BIN/collector" status --dir "$1" | awk -v f="$2" '
		$1 == f { print $2 }
		$1 == "batches" { for (i = 2; i < NF; i += 2) if ($i == f) print $(i + 1) }'
}
# vmhwm PID: peak resident memory in kB.
vmhwm() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
