#!/usr/bin/env bash
# Checks the browser application: every module parses, and the unit tests pass.
# There is no build step and no vendored package: the files under static/ are served as they are.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null 2>&1; then
  echo "frontend check: node is not installed" >&2
  exit 1
fi
for f in $(find static -name '*.js' | sort); do
  node --check "$f"
done
# No inline scripts, handlers or style attributes: the Content-Security-Policy forbids them.
if grep -nE '<script>|<script [^>]*>[^<]|[[:space:]]on[a-z]+="|[[:space:]]style="' pages/*.html; then
  echo "frontend check: inline script, event handler or style attribute in pages/ (blocked by the CSP)" >&2
  exit 1
fi
# User text must never be parsed as HTML.
if grep -nE 'innerHTML|outerHTML|insertAdjacentHTML|document\.write' -r static/js; then
  echo "frontend check: HTML parsing of strings in static/js; use textContent (dom.js h())" >&2
  exit 1
fi
node --test test/
