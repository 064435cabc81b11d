#!/usr/bin/env bash
# One stage of `make test`, timed:
#
#   scripts/stage.sh NAME CMD [ARGS...]   runs CMD, its output lines prefixed with [NAME] (stages
#                                         run side by side), and records NAME, its wall-clock
#                                         and CPU time and its exit status in $STAGES
#   scripts/stage.sh --summary            prints the stages recorded so far, as a table
#
# $STAGES defaults to target/stages.tsv.
set -uo pipefail
stages="${STAGES:-${CARGO_TARGET_DIR:-target}/stages.tsv}"

if [ "${1:-}" = "--summary" ]; then
  [ -f "$stages" ] || exit 0
  awk -F'\t' '
    function hms(s) { return sprintf("%d:%04.1f", int(s / 60), s - 60 * int(s / 60)) }
    BEGIN { printf "\n%-16s %9s %9s  %s\n", "stage", "wall", "cpu", "" }
    { printf "%-16s %9s %9s  %s\n", $1, hms($2), hms($3), ($4 == 0 ? "" : "FAILED (exit " $4 ")") }
  ' "$stages"
  if [ -n "${TEST_STARTED:-}" ]; then
    now=$(date +%s.%N)
    awk -v a="$TEST_STARTED" -v b="$now" 'BEGIN { s = b - a; printf "%-16s %9s\n", "make test", sprintf("%d:%04.1f", int(s / 60), s - 60 * int(s / 60)) }'
  fi
  exit 0
fi

name="$1"
shift
mkdir -p "$(dirname "$stages")"
times="$(mktemp)"
trap 'rm -f "$times"' EXIT
start=$(date +%s.%N)
echo "==> $name: $*"
# GNU time reports the CPU time of the command and of every process it waited for. The first
# stage of a new machine (the setup, which installs it) may run without it: then no CPU time.
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f '%U %S' -o "$times" "$@" 2>&1 | sed -u "s/^/[$name] /"
  rc=${PIPESTATUS[0]}
else
  "$@" 2>&1 | sed -u "s/^/[$name] /"
  rc=${PIPESTATUS[0]}
fi
end=$(date +%s.%N)
cpu=$(awk '{ print $1 + $2 }' "$times" 2>/dev/null | tail -1)
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
printf '%s\t%s\t%s\t%s\n' "$name" "$wall" "${cpu:-0}" "$rc" >>"$stages"
echo "<== $name: ${wall} s (cpu ${cpu:-0} s)$([ "$rc" = 0 ] || echo ", FAILED with exit $rc")"
exit "$rc"
