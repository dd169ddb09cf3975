# SPDX-License-Identifier: MIT
# 'make install DESTDIR=... PREFIX=/usr' installs exactly the three
# programs, their man pages, their bash completion and the systemd units
# of docs/operations.md (contrib/systemd/), nothing else; the man pages
# render without a warning and describe every command, the completion is
# valid bash and completes commands and options, the units run the
# installed programs, every program prints the VERSION file's version;
# 'make uninstall' removes every file again.
. tests/cli/lib.sh

san=""
[ "${B:-build}" = build-san ] && san="SAN=1"
mk() { make -s --no-print-directory -C "$TOP" -j1 B="${B:-build}" $san "$@"; }
D=$T/root
mk install DESTDIR="$D" PREFIX=/usr >"$T/make.out" 2>&1 ||
	fail "make install: $(tail -5 "$T/make.out")"
(cd "$D" && find . | sort) >"$T/got"
cat >"$T/want" <<'EOF'
.
./usr
./usr/bin
./usr/bin/aggregator
./usr/bin/collector
./usr/bin/trustee
./usr/lib
./usr/lib/systemd
./usr/lib/systemd/system
./usr/lib/systemd/system/tallyvan-aggregator.service
./usr/lib/systemd/system/tallyvan-ship.service
./usr/share
./usr/share/bash-completion
./usr/share/bash-completion/completions
./usr/share/bash-completion/completions/aggregator
./usr/share/bash-completion/completions/collector
./usr/share/bash-completion/completions/trustee
./usr/share/man
./usr/share/man/man1
./usr/share/man/man1/aggregator.1
./usr/share/man/man1/collector.1
./usr/share/man/man1/trustee.1
EOF
diff -u "$T/want" "$T/got" || fail "installed files differ from the expected list"
for p in collector aggregator trustee; do
	[ "$(stat -c %a "$D/usr/bin/$p")" = 755 ] || fail "$p: mode"
	[ "$(stat -c %a "$D/usr/share/man/man1/$p.1")" = 644 ] || fail "$p.1: mode"
	[ "$("$D/usr/bin/$p" --version)" = "$p $(cat "$TOP/VERSION")" ] ||
		fail "$p --version: $("$D/usr/bin/$p" --version)"
done
echo "make install DESTDIR PREFIX=/usr: $(grep -c . "$T/want") paths as expected"

# Man pages: render cleanly (groff warnings are errors here), one
# subsection per command of the program's table.
command -v groff >/dev/null || fail "groff missing (Debian: groff-base)"
for p in collector aggregator trustee; do
	man1=$D/usr/share/man/man1/$p.1
	groff -man -Tutf8 -ww -z "$man1" 2>"$T/groff.err"
	[ ! -s "$T/groff.err" ] || fail "$p.1: $(head -3 "$T/groff.err")"
	groff -man -Tutf8 "$man1" 2>/dev/null | sed 's/.\x08//g' >"$T/$p.txt"
	for c in $("$BIN/$p" --help | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }'); do
		grep -q "^   $p $c\$" "$T/$p.txt" || fail "$p.1: no section for '$c'"
	done
	grep -q "^EXIT STATUS" "$T/$p.txt" || fail "$p.1: no EXIT STATUS"
	grep -q "usage: $p $(echo "$c")" "$T/$p.txt" || fail "$p.1: no usage of '$c'"
done
echo "man pages: render without warnings, every command described"

# Completion: valid bash, completes commands and each command's options.
for p in collector aggregator trustee; do
	bash -n "$D/usr/share/bash-completion/completions/$p" || fail "$p: completion is not valid bash"
done
complete_() {	# PROG WORD...: what completing the last word offers
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_tallyvan_$1; echo "${COMPREPLY[*]}"' sh \
		"$D/usr/share/bash-completion/completions/$1" "$@"
}
[ "$(complete_ aggregator pub)" = publish ] || fail "aggregator pub: $(complete_ aggregator pub)"
[ "$(complete_ trustee ve)" = "verify version" ] || fail "trustee ve: $(complete_ trustee ve)"
[ "$(complete_ collector erase --li)" = --list ] || fail "collector erase --li: $(complete_ collector erase --li)"
[ "$(complete_ aggregator publish --par)" = --partial ] || fail "publish --par"
echo "completion: valid bash; 'aggregator pub' -> publish, 'collector erase --li' -> --list"

# The units run the installed programs.
grep -q '^ExecStart=/usr/bin/aggregator serve ' \
	"$D/usr/lib/systemd/system/tallyvan-aggregator.service" || fail "aggregator unit"
grep -q '^ExecStart=/usr/bin/collector ship ' \
	"$D/usr/lib/systemd/system/tallyvan-ship.service" || fail "ship unit"
! grep -rq '@bindir@' "$D" || fail "a placeholder left in an installed file"
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify --man=no "$D"/usr/lib/systemd/system/*.service \
		2>&1 | grep -v 'Command .* is not executable\|not found' | grep -i 'error\|unknown' &&
		fail "systemd-analyze finds errors in the units"
fi

# Uninstall: no file left.
mk uninstall DESTDIR="$D" PREFIX=/usr >"$T/make.out" 2>&1 ||
	fail "make uninstall: $(tail -5 "$T/make.out")"
[ -z "$(find "$D" -type f)" ] || fail "left after uninstall: $(find "$D" -type f)"
echo "make uninstall: every installed file removed"
