#!/usr/bin/env bash
# SMARTrec developer entry point: `./dev.sh run` launches the app, `./dev.sh test` runs the tests.
# Both create .venv and install everything on first use, so a fresh clone needs nothing else.
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"

setup() {
    if [ ! -x .venv/bin/python ]; then
        "$PY" -m venv .venv
    fi
    local stamp=.venv/.smartrec-installed
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e '.[dev]'
        touch "$stamp"
    fi
}

# Debian packages some tests drive: Xvfb and Qt's xcb libraries (real-window tests), LibreOffice
# Writer (Word files must open without repair) and poppler (PDF pages). Installed only where we are
# root on Debian/Ubuntu (CI, a fresh VM); elsewhere the tests that need them are skipped, named.
SYSTEM_PACKAGES="xvfb xauth fonts-dejavu-core libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
 libegl1 libgl1 libreoffice-writer-nogui poppler-utils"

system_setup() {
    if command -v Xvfb >/dev/null && command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then
        return
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "dev.sh: installing test programs (Xvfb, LibreOffice Writer, poppler)..." >&2
        # shellcheck disable=SC2086
        if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -qq --no-install-recommends $SYSTEM_PACKAGES >/dev/null; }; then
            echo "dev.sh: could not install them; tests that need them will be skipped" >&2
        fi
    else
        echo "dev.sh: Xvfb/LibreOffice/poppler missing; their tests will be skipped." >&2
        echo "        Install with: sudo apt-get install $(echo $SYSTEM_PACKAGES)" >&2
    fi
}

cmd="${1:-run}"
shift || true
case "$cmd" in
    run)
        setup
        exec .venv/bin/smartrec "$@"
        ;;
    test)
        setup
        system_setup
        export QT_QPA_PLATFORM=offscreen
        .venv/bin/ruff check app tests bench tools
        .venv/bin/mypy
        exec .venv/bin/python -m pytest "$@"
        ;;
    *)
        echo "usage: ./dev.sh run [ARGS...] | ./dev.sh test [PYTEST ARGS...]" >&2
        exit 2
        ;;
esac
