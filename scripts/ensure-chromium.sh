#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright's own browser download does not
# work on our machines), with a CJK font so screenshots show Chinese rather than boxes.
# Install what is missing, when we are allowed to.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
elif [[ " ${need[*]} " == *" chromium "* ]]; then
  echo "chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium)" >&2
  exit 1
else
  echo "note: no CJK font found; screenshots will show boxes (apt-get install fonts-wqy-microhei)" >&2
fi
