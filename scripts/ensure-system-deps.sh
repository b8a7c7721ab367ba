#!/usr/bin/env bash
# Installs the Debian packages the tests need and the machine may lack:
# Chromium (Playwright cannot download its own browser here), PHP's CLI
# (for `php -l`), unzip (to read WordPress's personal data export in the
# privacy-tools test) and nginx (the TLS proxy the proxy test puts in front
# of the service; only its binary is used, the machine's own nginx service is
# never started by the tests), and podman with debootstrap and runc (the
# container test builds docs/deploy/Containerfile on a Debian base it makes
# with debootstrap; runc because crun refuses these machines' hybrid cgroups).
# Idempotent: does nothing when all are present.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v php >/dev/null 2>&1 || need+=(php-cli)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
# nginx lives in /usr/sbin, which is not on an ordinary user's PATH.
{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || need+=(nginx)
command -v runc >/dev/null 2>&1 || need+=(runc)
{ command -v debootstrap || [ -x /usr/sbin/debootstrap ]; } >/dev/null 2>&1 || need+=(debootstrap)
# podman with what Debian recommends beside it (its network stack, fuse-overlayfs), as a site owner gets it.
with_recommends=()
command -v podman >/dev/null 2>&1 || with_recommends+=(podman)
[ ${#need[@]} -eq 0 ] && [ ${#with_recommends[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-system-deps: need root to install: ${need[*]} ${with_recommends[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "ensure-system-deps: installing ${need[*]} ${with_recommends[*]} from Debian's archive…"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
[ ${#need[@]} -eq 0 ] || $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
[ ${#with_recommends[@]} -eq 0 ] || $sudo apt-get install -y -qq "${with_recommends[@]}" >/dev/null
echo "ensure-system-deps: done"
