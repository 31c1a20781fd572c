#!/bin/sh
# Installs the Debian packages the build, the tests and the demo need, and only
# those that are missing: a machine that has them all is left untouched. Then
# the npm packages of the tests (package-lock.json) when node_modules is missing
# or older than the lock. The tests' browser is Debian's chromium: no
# `npx playwright install` (it downloads a browser build, which fails here).
# clang and its runtime build the fuzz harnesses (libFuzzer, scripts/fuzz.sh).
set -eu

PKGS="build-essential pkg-config
libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev liboath-dev oathtool libpskc-dev libxml2-dev
libpq-dev postgresql haproxy
libsodium-dev libcsv-dev libqrencode-dev libsqlite3-dev sqlite3
libcjose-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core
bats bats-support bats-assert bats-file jq curl hyperfine xxd groff-base zbar-tools
chromium poppler-utils python3-aiosmtpd faketime parallel systemd
clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	# dpkg-query answers "install ok installed" only for a fully installed package
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing="$missing $p"
done
# Node from Debian only when there is none (a newer one may be installed otherwise).
command -v node >/dev/null 2>&1 || missing="$missing nodejs npm"

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps.sh: missing packages:$missing" >&2
		echo "deps.sh: run as root (or: sudo apt-get install$missing)" >&2
		exit 1
	fi
	echo "deps.sh: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
fi

cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
	echo "deps.sh: node is installed but npm is not" >&2
	exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "deps.sh: npm ci" >&2
	npm ci --no-audit --no-fund >&2
fi
