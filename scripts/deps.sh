#!/bin/sh
# Installs the Debian packages the build, the tests and the demo need, and only
# those that are missing: a machine that has them all is left untouched.
set -eu

PKGS="build-essential pkg-config
libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev liboath-dev oathtool libpskc-dev
libsodium-dev libcsv-dev libqrencode-dev libsqlite3-dev sqlite3
libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
bats bats-support bats-assert bats-file jq curl hyperfine xxd"

missing=""
for p in $PKGS; do
	# dpkg-query answers "install ok installed" only for a fully installed package
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing="$missing $p"
done

[ -z "$missing" ] && exit 0

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
