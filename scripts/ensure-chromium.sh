#!/usr/bin/env bash
# The playground's browser test drives Debian's Chromium through playwright-core (no browser download
# from Playwright's CDN). Installs it with apt-get when /usr/bin/chromium is missing. The colour-emoji
# font only makes the test's screenshot readable, so it is installed when possible, never required.
set -euo pipefail

EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
can_install() { command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }; }
install() {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ -x /usr/bin/chromium ]; then
  if [ ! -e "$EMOJI_FONT" ] && can_install; then install fonts-noto-color-emoji || true; fi
  exit 0
fi
if ! can_install; then
  echo "Chromium is missing at /usr/bin/chromium; install it (apt-get install chromium) as root." >&2
  exit 1
fi
install chromium fonts-dejavu-core fonts-noto-color-emoji
/usr/bin/chromium --version
