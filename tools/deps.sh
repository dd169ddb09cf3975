#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages tallyvan needs, if any is missing.
#
#   sh tools/deps.sh [demo|test] [--print]
#
#   demo     what `make demo` builds and runs: tools/deps.d/demo.list only
#   test     (the default) what `make check` needs: every tools/deps.d/*.list,
#            then the extra steps tools/deps.d/*.sh (npm packages for the
#            browser test)
#   --print  print the package list, one a line, and install nothing
#
# The lists are one package a line, # comments.  Only Debian 12's own
# packages (and, for the tests, npm packages that run on its Node.js 18).
# Quiet and quick when everything is already there.
set -eu
here=$(dirname "$0")
part="test"
print=0
for a in "$@"; do
	case $a in
	demo | test) part=$a ;;
	--print) print=1 ;;
	*) echo "usage: sh tools/deps.sh [demo|test] [--print]" >&2; exit 2 ;;
	esac
done
if [ "$part" = demo ]; then
	lists=$here/deps.d/demo.list
else
	lists=$(ls "$here"/deps.d/*.list)
fi

# shellcheck disable=SC2086
pkgs=$(cat $lists | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
if [ "$print" = 1 ]; then
	echo "$pkgs"
	exit 0
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "tallyvan: installing missing packages:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "tallyvan: need root (or sudo) to install:$missing" >&2
		exit 2
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
[ "$part" = demo ] && exit 0
# Extra set-up steps for the tests (e.g. npm packages for the browser test).
for s in "$here"/deps.d/*.sh; do
	[ -f "$s" ] && sh "$s"
done
exit 0
