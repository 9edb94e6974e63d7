#!/usr/bin/env bash
# Installs every Debian package weir needs to build, test and run. Idempotent; run as root
# (or with sudo available). Skips apt entirely when everything is already installed.
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config clang-format
      libedit-dev libxxhash-dev libpcre2-dev libcmocka-dev liblz4-dev libzstd-dev
      librdkafka-dev kcat libsqlite3-dev libpq-dev libmariadb-dev tzdata python3)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
