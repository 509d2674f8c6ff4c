# shellcheck shell=bash
# scripts/python-venv.sh — sourced by ./test and ./eddy. Keeps the Python virtual environment .venv at the root of
# the checkout in step with requirements-test.txt (moto's server, which emulates S3, SQS, SNS and Firehose, see
# MotoServer.java; checkov, which the tests run on the synthesised templates). Nothing from the system Python's own packages is used. Needs python3 3.9 or later with its venv
# module (Debian and Ubuntu: apt-get install python3-venv).

# python_venv_ensure ROOT LOG
#   ROOT: the checkout; LOG: a function or command that prints one progress line (called only when work is done).
#   Creates ROOT/.venv with `python3 -m venv` if it is missing or broken, and runs `pip install -r
#   requirements-test.txt` in it when the file is newer than the stamp ROOT/.venv/.requirements-installed (about a
#   minute and 500 MB the first time). pip's output goes to stderr. Exits the calling script with status 2 if python3 or its venv
#   module is missing or too old, and 1 if pip fails (the stamp is then not written, so the next run tries again).
python_venv_ensure() {
  local root="$1" log="$2"
  local venv="$root/.venv" reqs="$root/requirements-test.txt"
  local stamp="$venv/.requirements-installed" me="${0##*/}"

  if [ -f "$stamp" ] && [ ! "$reqs" -nt "$stamp" ] && "$venv/bin/python" -c '' >/dev/null 2>&1; then
    return 0
  fi

  if ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
    command -v python3 >/dev/null 2>&1 || {
      printf '%s: error: python3 (3.9 or later, with its venv module) is required but not on PATH\n' "$me" >&2; exit 2; }
    python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' || {
      printf '%s: error: python3 is %s; 3.9 or later is required\n' "$me" "$(python3 -V 2>&1)" >&2; exit 2; }
    rm -rf "$venv"
    "$log" "creating the Python virtual environment $venv"
    if ! python3 -m venv "$venv" >&2; then
      rm -rf "$venv"
      printf '%s: error: `python3 -m venv` failed: install Python'"'"'s venv module (Debian and Ubuntu: apt-get install python3-venv)\n' "$me" >&2
      exit 2
    fi
  fi

  "$log" "installing the Python packages of requirements-test.txt (moto server, checkov) into $venv"
  if ! "$venv/bin/python" -m pip install -q -r "$reqs" >&2; then
    printf '%s: error: pip could not install %s into %s (output above)\n' "$me" "$reqs" "$venv" >&2
    exit 1
  fi
  touch "$stamp"
}
