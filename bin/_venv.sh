# Sourced by the bin/ scripts: make sure .venv exists with requirements.txt installed, and activate it.
# Reinstalls only when requirements.txt changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${JUNJO_VENV:-$ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
STAMP="$VENV/.requirements.sha256"
WANT="$(sha256sum "$ROOT/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -r "$ROOT/requirements.txt"
  echo "$WANT" > "$STAMP"
fi
# shellcheck disable=SC1091
. "$VENV/bin/activate"
export PYTHONPATH="$ROOT/libraries${PYTHONPATH:+:$PYTHONPATH}"
# Runs on one host share a lock folder (the performance suites take the host to themselves: HostSharing),
# fixed here, before bin/acceptance and bin/acceptance-shard give each run a TMPDIR of its own.
export JUNJO_HOST_LOCK_DIR="${JUNJO_HOST_LOCK_DIR:-${TMPDIR:-/tmp}}"
cd "$ROOT"
