#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages tallyvan needs, if any is missing.
# The lists are tools/deps.d/*.list (one package a line, # comments).
# Quiet and quick when everything is already there.
set -eu
here=$(dirname "$0")

pkgs=$(cat "$here"/deps.d/*.list | sed 's/#.*//' | tr -s ' \t' '\n' | sort -u)
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
# Extra set-up steps (e.g. npm packages for the browser test).
for s in "$here"/deps.d/*.sh; do
	[ -f "$s" ] && sh "$s"
done
exit 0
