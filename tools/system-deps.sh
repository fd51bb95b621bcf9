#!/bin/sh
# brochure renders with WeasyPrint, which needs Pango (>= 1.44) from the operating system.
# HarfBuzz-subset makes font subsetting faster and smaller PDFs; WeasyPrint falls back to fontTools
# without it (and will require it in a future release), so it is installed when possible.
# With --browser (`make test`): also Debian's Chromium and its driver, for the browser tests of
# `brochure serve` (skipped without them, failing in CI), and the system Noto fonts.
set -u
if [ "${1:-}" = "--browser" ]; then
  # fonts-noto-core: the suite then runs where system Noto fonts are installed, as on many Linux
  # desktops, which must change nothing (WeasyPrint is given only fonts/)
  wanted=""
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || wanted="chromium chromium-driver"
  [ -d /usr/share/fonts/truetype/noto ] || wanted="$wanted fonts-noto-core"
  [ -z "$wanted" ] && exit 0
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing for the tests: $wanted"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $wanted \
      >/dev/null && exit 0
    echo "apt-get could not install: $wanted" >&2
  fi
  echo "note: the browser tests of brochure serve are skipped without Chromium" \
       "(Debian/Ubuntu: sudo apt-get install chromium chromium-driver fonts-noto-core)." >&2
  exit 0
fi
missing=""
have() { ldconfig -p 2>/dev/null | grep -q "$1"; }
if command -v ldconfig >/dev/null 2>&1 || [ -x /sbin/ldconfig ]; then
  PATH="$PATH:/sbin:/usr/sbin"
  have libpango-1.0.so.0 || missing="$missing libpango-1.0-0"
  have libpangoft2-1.0.so.0 || missing="$missing libpangoft2-1.0-0"
  have libharfbuzz-subset.so.0 || missing="$missing libharfbuzz-subset0"
  # the default CMYK (SWOP) profile for `--for press` when a clinic names no print-shop profile
  [ -f /usr/share/color/icc/ghostscript/default_cmyk.icc ] || missing="$missing libgs-common"
else
  # Not a glibc Linux (macOS, Alpine...): WeasyPrint's own check will name what is missing.
  exit 0
fi
[ -z "$missing" ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing system libraries for WeasyPrint:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null && exit 0
  echo "apt-get could not install:$missing" >&2
fi
case "$missing" in
  *pango*)
    echo "brochure needs these system libraries:$missing" >&2
    echo "  Debian/Ubuntu: sudo apt-get install$missing" >&2
    echo "  Fedora: sudo dnf install pango harfbuzz    macOS: brew install pango" >&2
    exit 1 ;;
  *)
    echo "note: optional packages not installed:$missing (sudo apt-get install$missing)." >&2
    echo "      Without libharfbuzz-subset0 WeasyPrint subsets fonts more slowly; without" >&2
    echo "      libgs-common, --for press needs the print shop's ICC profile in clinic.toml." >&2
    exit 0 ;;
esac
