#!/bin/bash
# Start-up times of the executables, directly and through npx, interleaved so that load changes
# hit every command alike (BENCHMARKS.md, start-up). Each argument is LABEL=DIR, a clone after
# `npm ci`; the first one also gives the baselines (bare Node, npm, npx running /bin/true by the
# node_modules/.bin route). Usage: scripts/startup-times.sh before=/tmp/a after=/tmp/b [ROUNDS]
set -euo pipefail
rounds=10
specs=()
for arg in "$@"; do
  if [[ $arg == *=* ]]; then specs+=("$arg"); else rounds=$arg; fi
done
[[ ${#specs[@]} -gt 0 ]] || { echo "usage: $0 LABEL=DIR [LABEL=DIR ...] [ROUNDS]" >&2; exit 2; }
first=${specs[0]#*=}
noop="$first/node_modules/.bin/zz-startup-noop"
ln -sf /bin/true "$noop"
trap 'rm -f "$noop"' EXIT
cmds=("bare Node|$first|node -e 0" "npm --version|$first|npm --version"
  "npx /bin/true|$first|npx zz-startup-noop"
  "direct consensus-tool --help|$first|node bin/consensus-tool.mjs --help")
for spec in "${specs[@]}"; do
  for bin in consensus-tool consensus-service; do
    cmds+=("${spec%%=*}: npx $bin --help|${spec#*=}|npx $bin --help")
  done
done
declare -A times
timing=$(mktemp)
for _ in $(seq 1 "$rounds"); do
  for c in "${cmds[@]}"; do
    IFS='|' read -r name dir cmd <<<"$c"
    (cd "$dir" && /usr/bin/time -o "$timing" -f %e $cmd >/dev/null 2>&1)
    times[$name]="${times[$name]:-} $(tail -1 "$timing")"
  done
done
rm -f "$timing"
for c in "${cmds[@]}"; do
  IFS='|' read -r name _ _ <<<"$c"
  sorted=$(tr ' ' '\n' <<<"${times[$name]}" | grep . | sort -n | tr '\n' ' ')
  echo "$name: $sorted"
done
