#!/usr/bin/env bash
# Install what the browser and report tests need from Debian when it is missing: Chromium
# (no browser download of its own), a CJK font (Chinese titles in figures, pages and PDF)
# and Pango (WeasyPrint's PDF layout; Chromium depends on it too).
set -euo pipefail
missing=()
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  missing+=(fonts-noto-cjk fontconfig)
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0'; then
  missing+=(libpango-1.0-0 libpangoft2-1.0-0)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "missing Debian packages: ${missing[*]}; this user cannot install them." >&2
  exit 1
fi
echo "installing Debian packages for the browser and report tests: ${missing[*]}…"
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}" >/dev/null
