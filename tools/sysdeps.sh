#!/usr/bin/env bash
# Check the system tools the reports need; install them with apt-get when possible.
#   chromium           prints the HTML reports to PDF and checks them offline
#   a CJK font         Chinese text in charts and PDFs (Noto Sans CJK or WenQuanYi Micro Hei)
#   pdftotext/pdffonts  (poppler-utils) the end-to-end test reads the PDFs back
# Fast when everything is there (`make report` and `make test` run it every time).
#
# `sysdeps.sh --test` (run by `make test`) checks only the optional tool of the tests:
#   libreoffice        (libreoffice-writer-nogui) converts the Word files to PDF, the test of
#                      their page count; installed as root with apt-get, else the test is
#                      skipped with its reason. `make report` never needs it.
set -euo pipefail

if [[ "${1:-}" == "--test" ]]; then
    if command -v libreoffice >/dev/null 2>&1 || command -v soffice >/dev/null 2>&1; then
        echo "sysdeps (tests) ok: LibreOffice"
        exit 0
    fi
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo ">> installing with apt-get: libreoffice-writer-nogui (Word page-count test)"
        export DEBIAN_FRONTEND=noninteractive
        if apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui; then
            exit 0
        fi
    fi
    echo "note: LibreOffice is not installed; the Word page-count test will be skipped" \
         "(Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui)"
    exit 0   # optional: never stops make test
fi

missing_pkgs=()
missing_what=()

chromium_bin=""
for c in "${GREENPLAN_CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
    if [[ -n "$c" ]] && command -v "$c" >/dev/null 2>&1; then chromium_bin="$(command -v "$c")"; break; fi
done
if [[ -z "$chromium_bin" ]]; then
    missing_pkgs+=(chromium); missing_what+=("Chromium (headless PDF printing)")
fi

if ! command -v fc-list >/dev/null 2>&1 || [[ -z "$(fc-list :lang=zh family 2>/dev/null | head -n1)" ]]; then
    missing_pkgs+=(fonts-noto-cjk fonts-wqy-microhei fontconfig); missing_what+=("a CJK font")
fi

if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdffonts >/dev/null 2>&1; then
    missing_pkgs+=(poppler-utils); missing_what+=("pdftotext/pdffonts (poppler-utils)")
fi

if [[ ${#missing_pkgs[@]} -eq 0 ]]; then
    font="$(fc-list :lang=zh family | grep -m1 -oE 'Noto Sans CJK SC|WenQuanYi Micro Hei' || true)"
    [[ -n "$font" ]] || font="$(fc-list :lang=zh family | head -n1 | cut -d, -f1)"
    echo "sysdeps ok: $chromium_bin, CJK font '$font', poppler-utils"
    exit 0
fi

echo "missing: ${missing_what[*]}"
if [[ -z "${GREENPLAN_SYSDEPS_RETRY:-}" && "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo ">> installing with apt-get: ${missing_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}"
    fc-cache -f >/dev/null 2>&1 || true
    GREENPLAN_SYSDEPS_RETRY=1 exec bash "$0"   # check again (once); exit 1 if still missing
fi

cat >&2 <<MSG
Please install the missing system packages, e.g. on Debian/Ubuntu:
    sudo apt-get install chromium fonts-noto-cjk fonts-wqy-microhei poppler-utils
(Fedora: chromium google-noto-sans-cjk-fonts poppler-utils; macOS: brew install --cask chromium
 && brew install poppler, plus a CJK font). Set GREENPLAN_CHROMIUM=/path/to/chrome to use
another Chrome/Chromium binary.
MSG
exit 1
