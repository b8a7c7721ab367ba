#!/usr/bin/env bash
# Regenerates languages/consent-chat.pot from every __()/esc_html__()/… call in the plugin's PHP
# and in the wp-admin/block editor scripts (scripts/extract-js-strings.mjs), and merges new
# strings into each languages/*.po (GNU gettext: apt-get install gettext).
# The .mo and the scripts' .json files are made by `npm run build` (scripts/build-translations.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find plugin.php includes blocks -name '*.php' -not -path '*/node_modules/*' | sort)
# The scripts' strings first, then xgettext adds the PHP ones to the same file (--join-existing):
# a string used in PHP and in a script keeps both references. (msgcat --use-first dropped the
# script's reference, and with it the string from that script's JSON translations.)
node scripts/extract-js-strings.mjs languages/consent-chat.pot
xgettext --join-existing --language=PHP --from-code=UTF-8 \
  --keyword=__ --keyword=esc_html__ --keyword=esc_attr__ --keyword=_e --keyword=esc_html_e --keyword=esc_attr_e \
  --keyword=_x:1,2c --keyword=esc_html_x:1,2c --keyword=_n:1,2 \
  --add-comments=translators: --sort-by-file \
  --package-name="Consent Chat" --package-version="$(node -p "require('./package.json').version")" \
  --msgid-bugs-address="https://github.com/consent-chat/consent-chat/issues" \
  -o languages/consent-chat.pot "${files[@]}"
sed -i -e 's/charset=CHARSET/charset=UTF-8/' \
  -e "1,4c # Consent Chat: the template for translations (scripts/make-pot.sh).\\n# This file is distributed under the same license as the Consent Chat package." \
  languages/consent-chat.pot
for po in languages/*.po; do
  [ -e "$po" ] || continue
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" languages/consent-chat.pot
  # Strings no longer in the code go, rather than piling up as #~ comments.
  msgattrib --no-obsolete -o "$po" "$po"
done
echo "make-pot: $(grep -c '^msgid "' languages/consent-chat.pot) entries (incl. header)"
