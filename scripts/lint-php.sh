#!/usr/bin/env bash
# `php -l` on every PHP file of the plugin (Debian's php-cli; see ensure-system-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
count=0
while IFS= read -r -d '' f; do
  count=$((count + 1))
  out=$(php -l "$f" 2>&1) || { echo "$out"; status=1; }
done < <(find . -name '*.php' -not -path './node_modules/*' -not -path './data/*' -not -path './build/*' -not -path './.cache/*' -print0)
[ "$count" -gt 0 ] || { echo "lint-php: no PHP files found" >&2; exit 1; }
echo "lint-php: $count files, $([ $status -eq 0 ] && echo 'no syntax errors' || echo 'ERRORS')"
exit $status
