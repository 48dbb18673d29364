#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs every Debian package in deps.txt that is missing (make deps).
# Idempotent: a second run installs nothing and does not touch the network.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/..")
mapfile -t want < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$repo/deps.txt")

missing=()
for pkg in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null |
		grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" = 0 ]; then
	echo "deps: all ${#want[@]} packages installed"
	exit 0
fi

echo "deps: installing ${missing[*]}"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
