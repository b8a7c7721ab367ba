#!/usr/bin/env bash
# Installs the Debian packages the tests and `npm start` need and the machine
# may lack: PHP's CLI with the extensions the local WordPress runs on (see
# below), Chromium (Playwright cannot download its own browser here), unzip (to
# read WordPress's personal data export in the privacy-tools test), nginx (the
# TLS proxy the proxy test puts in front of the service; only its binary is
# used, the machine's own nginx service is never started by the tests), and
# podman with debootstrap and runc (the container test builds
# docs/deploy/Containerfile on a Debian base it makes with debootstrap; runc
# because crun refuses these machines' hybrid cgroups), PostgreSQL 15 (the
# store's networked engine; its tests start a throw-away server of their own,
# tests/helpers/postgres.ts, and never the machine's cluster) and Redis (the
# several-nodes setup; likewise started by tests, never as a service).
# Idempotent: does nothing when all are present.
#
#   ensure-system-deps.sh          everything (npm test)
#   ensure-system-deps.sh php      only PHP and its extensions (npm start)
#   ensure-system-deps.sh cluster  PHP, nginx, PostgreSQL and Redis (npm run start:cluster)
set -euo pipefail
mode=${1:-all}
case "$mode" in all|php|cluster) ;; *) echo "ensure-system-deps: unknown mode '$mode' (all, php or cluster)" >&2; exit 2 ;; esac

need=()
with_recommends=()
command -v php >/dev/null 2>&1 || need+=(php-cli)
# The local WordPress runs on this PHP (scripts/wordpress/): SQLite is its database (PDO's
# SQLite driver); mbstring is used by the plugin itself (mb_strtoupper has no WordPress
# fallback); zip makes Tools → Export Personal Data's archive (WordPress needs ZipArchive for
# it); dom/xml and curl are what WordPress's Site Health recommends and what a real host has
# (curl carries wp_remote_* calls to the chat service). Gd and intl are left out: nothing here
# edits images or needs more than WordPress's own formatting.
php_has() { command -v php >/dev/null 2>&1 && php -r "exit(extension_loaded('$1') ? 0 : 1);" 2>/dev/null; }
php_has pdo_sqlite || need+=(php-sqlite3)
php_has mbstring || need+=(php-mbstring)
php_has dom || need+=(php-xml)
php_has curl || need+=(php-curl)
php_has zip || need+=(php-zip)
if [ "$mode" != php ]; then
  # nginx lives in /usr/sbin, which is not on an ordinary user's PATH.
  { command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || need+=(nginx)
  # Debian keeps PostgreSQL's server binaries off PATH, one folder per major version.
  [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
  { command -v redis-server || [ -x /usr/bin/redis-server ]; } >/dev/null 2>&1 || need+=(redis-server)
fi
if [ "$mode" = all ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v unzip >/dev/null 2>&1 || need+=(unzip)
  command -v runc >/dev/null 2>&1 || need+=(runc)
  { command -v debootstrap || [ -x /usr/sbin/debootstrap ]; } >/dev/null 2>&1 || need+=(debootstrap)
  # podman with what Debian recommends beside it (its network stack, fuse-overlayfs), as a site owner gets it.
  command -v podman >/dev/null 2>&1 || with_recommends+=(podman)
fi
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
