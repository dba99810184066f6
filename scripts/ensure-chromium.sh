#!/usr/bin/env bash
# Install headless Chromium from Debian packages when missing. tests/integration/test_web_page.py
# renders the `wirestream web` page with it (screenshot + DOM after the scripts ran).
set -euo pipefail
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "note: chromium not installed and no apt-get; the web page test is skipped" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
echo "installing chromium with apt-get ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
