#!/usr/bin/env bash
# Installs Debian's headless Chromium and its driver for rag-http's browser test. Idempotent:
# does nothing when both are present; refreshes the package lists only when it has to install.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "setup-chromium: chromium and chromedriver are missing and this user cannot install them (no root, no sudo)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium chromium-driver

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "setup-chromium: installed, but /usr/bin/chromium or /usr/bin/chromedriver is still missing" >&2
  exit 1
fi
