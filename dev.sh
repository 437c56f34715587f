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

cmd="${1:-run}"
shift || true
case "$cmd" in
    run)
        setup
        exec .venv/bin/smartrec "$@"
        ;;
    test)
        setup
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
