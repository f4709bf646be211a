#!/usr/bin/env bash
# `make lab`: JupyterLab on the project's environment (.venv, installed by `make setup`).
#   LAB_IP   address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: the intranet)
#   LAB_PORT port (default 8888)
#   PY       the environment's python (default .venv/bin/python)
# The file browser is rooted at the repository (plans/ and build/ are reachable) and opens on
# notebooks/, where each report notebook shows once: the jupytext .py twins are hidden
# (greenlib/lab.py writes build/jupyter_lab_config.json). As root Jupyter refuses to start
# without --allow-root, so it is added for root only.
# Jupyter prints the URL with its access token; from another machine either tunnel
# (ssh -L 8888:127.0.0.1:8888 user@server, then open the printed URL) or start with
# LAB_IP=0.0.0.0 and open http://<server>:<port>/lab?token=<token>.
set -euo pipefail
PY="${PY:-.venv/bin/python}"
if ! "$PY" -c "import jupyterlab" 2>/dev/null; then
  echo "JupyterLab is not installed in $PY's environment: run make setup" >&2
  exit 2
fi
CONF="$("$PY" -m greenlib.lab "${LAB_CONFIG:-build/jupyter_lab_config.json}")"
args=(--config="$CONF" --no-browser --ip="${LAB_IP:-127.0.0.1}" --port="${LAB_PORT:-8888}")
if [ -n "${LAB_DIR:-}" ]; then
  args+=(--ServerApp.root_dir="$LAB_DIR")
fi
if [ "$(id -u)" = "0" ]; then
  args+=(--allow-root)
fi
exec "$PY" -m jupyter lab "${args[@]}" "$@"
