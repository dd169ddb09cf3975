# SPDX-License-Identifier: MIT
# Shared by tests/cli/form_*.sh, after tests/cli/lib.sh: start and stop
# `collector serve` on a free port of 127.0.0.1.  Sourced, not run.

# serve_start DEVICE [SERVE-OPTION...]: sets URL, SERVE_PID, SERVE_OUT (the
# laptop's terminal: the sign-in code) and SERVE_ERR (its log).
serve_start() {
	dev_=$1
	shift
	SERVE_OUT=$T/serve.out
	SERVE_ERR=$T/serve.err
	"$BIN/collector" serve --dir "$dev_" --passphrase-file "$dev_.pass" \
		--listen 127.0.0.1:0 "$@" >"$SERVE_OUT" 2>"$SERVE_ERR" </dev/null &
	SERVE_PID=$!
	trap 'serve_kill; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
	i_=0
	until grep -q '^sign-in code: [0-9]*$' "$SERVE_OUT" 2>/dev/null; do
		kill -0 "$SERVE_PID" 2>/dev/null ||
			fail "collector serve exited: $(cat "$SERVE_ERR")"
		i_=$((i_ + 1))
		[ "$i_" -lt 300 ] || fail "collector serve did not start in 30 s"
		sleep 0.1
	done
	URL=http://127.0.0.1:$(sed -n 's|.* at http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$SERVE_ERR")
	case $URL in *:) fail "no address in the server's log: $(cat "$SERVE_ERR")" ;; esac
}

# The current sign-in code (the last one printed).
serve_code() { sed -n 's/^sign-in code: //p' "$SERVE_OUT" | tail -1; }

serve_kill() {
	[ -n "${SERVE_PID:-}" ] && kill "$SERVE_PID" 2>/dev/null
	SERVE_PID=""
}

# serve_stop: SIGTERM; the server must stop cleanly (exit 0).
serve_stop() {
	kill -TERM "$SERVE_PID"
	set +e
	wait "$SERVE_PID"
	rc_=$?
	set -e
	SERVE_PID=""
	[ "$rc_" -eq 0 ] || fail "collector serve exited with $rc_: $(cat "$SERVE_ERR")"
}

# captured DEVICE: records captured so far (collector status; no passphrase).
captured() { "$BIN/collector" status --dir "$1" | sed -n 's/^captured //p'; }

# no_trace LIST WHERE...: no line of LIST appears in any file under WHERE.
no_trace() {
	list_=$1
	shift
	while IFS= read -r s_; do
		[ -n "$s_" ] || continue
		if grep -r -a -l -F -e "$s_" "$@" >"$T/hits" 2>/dev/null; then
			fail "typed text found in: $(tr '\n' ' ' <"$T/hits")"
		fi
	done <"$list_"
}
