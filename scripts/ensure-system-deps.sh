#!/usr/bin/env bash
# Installs the Debian packages the tests need and the machine may lack:
# Chromium (Playwright cannot download its own browser here), PHP's CLI
# (for `php -l`) and unzip (to read WordPress's personal data export in the
# privacy-tools test). Idempotent: does nothing when all are present.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v php >/dev/null 2>&1 || need+=(php-cli)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-system-deps: need root to install: ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "ensure-system-deps: installing ${need[*]} from Debian's archive…"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "ensure-system-deps: done"
