#!/usr/bin/env bash
# Refresh the web app's English catalog after changing translatable strings.
# Extraction needs GNU gettext's xgettext (developer machines only: apt-get install gettext);
# compiling does not: python -m semesta.web.catalog writes the .mo in pure Python.
# Then translate the new empty msgstr entries in src/semesta/web/locale/en/LC_MESSAGES/django.po
# and run this script again (tests/webapp/test_web_i18n.py fails while one is missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/src/semesta/web"
SEMESTA_DEBUG=1 DJANGO_SETTINGS_MODULE=semesta.web.settings \
  "$root/.venv/bin/python" -m django makemessages -l en --no-location --no-wrap
"$root/.venv/bin/python" -m semesta.web.catalog
