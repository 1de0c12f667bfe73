#!/usr/bin/env bash
# Render a rotor HTML report in headless Chromium (Debian's `chromium` package) to a PNG,
# the way a person would see it.
#
#   scripts/screenshot.sh REPORT.html OUT.png [WIDTHxHEIGHT]
#
# HEIGHT defaults to 2400 (the top of the report); pass a larger one for the whole page.
# Flags: no sandbox (root in CI), no GPU, and no background networking (this machine's
# network is closed; the report itself needs none).
set -euo pipefail
html=${1:?usage: screenshot.sh REPORT.html OUT.png [WIDTHxHEIGHT]}
out=${2:?usage: screenshot.sh REPORT.html OUT.png [WIDTHxHEIGHT]}
size=${3:-1280x2400}
chrome=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [[ -z "$chrome" ]]; then
  echo "chromium not found: apt-get install chromium (or set CHROMIUM=/path/to/chrome)" >&2
  exit 3
fi
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --force-device-scale-factor=1 \
  --window-size="${size/x/,}" --virtual-time-budget=3000 \
  --screenshot="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")" "file://$abs" 2>/dev/null
echo "wrote $out"
