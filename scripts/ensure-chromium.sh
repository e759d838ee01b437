#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing (no browser download of its own).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "chromium is missing and this user cannot install it; install Debian's 'chromium' package." >&2
  exit 1
fi
echo "installing Debian's chromium for the browser tests…"
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq chromium fonts-noto-cjk >/dev/null
