#!/usr/bin/env bash
# Fails, listing each offending line, when a library includes a folder above it in the layering
# sim <- models <- scenarios <- apps (docs/decisions/0008-layering-and-test-layout.md):
#
#   sim/        must not include models/, scenarios/ or apps/
#   models/     must not include scenarios/ or apps/
#   scenarios/  must not include apps/
#
# Every `#include "..."` and `#include <...>` of the .cpp/.hpp files under those folders is
# resolved as the compiler would: first next to the including file (so `../scenarios/x.hpp` is
# caught too), then from the source root. The build enforces the same rule with per-library
# include roots (CMakeLists.txt, tpssim_layer), which a relative path can bypass; this check
# cannot be bypassed that way.
#
#   scripts/check-layering.sh [ROOT]     check the tree at ROOT (default: this repository)
#   scripts/check-layering.sh --self-test
#                                        prove the check passes a clean tree and catches each
#                                        kind of violation, in throwaway trees
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# Each layered folder and the folders it must not include. One line per folder.
declare -A forbidden=(
  [sim]="models scenarios apps"
  [models]="scenarios apps"
  [scenarios]="apps"
)

# $1 relative to the root, without "." and ".." segments (pure bash: no process per include).
normalize() {
  local IFS=/ part out=()
  for part in $1; do
    case "$part" in
    "" | .) ;;
    ..) if ((${#out[@]})); then unset 'out[${#out[@]}-1]'; else out+=(..); fi ;;
    *) out+=("$part") ;;
    esac
  done
  echo "${out[*]}"
}

check() {
  local root="$1" status=0 folder file number text target first bad
  local include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]+)[">]'
  for folder in "${!forbidden[@]}"; do
    [ -d "$root/$folder" ] || continue
    # FILE:NUMBER:TEXT for every include line of the folder's sources.
    while IFS= read -r line; do
      file="${line%%:*}"
      line="${line#*:}"
      number="${line%%:*}"
      text="${line#*:}"
      [[ "$text" =~ $include_re ]] || continue
      target="${BASH_REMATCH[1]}"
      first="${target%%/*}"
      if [ -e "${file%/*}/$target" ]; then
        # Found next to the including file, as the compiler looks first.
        first="$(normalize "${file#"$root"/}/../$target")"
        first="${first%%/*}"
      fi
      for bad in ${forbidden[$folder]}; do
        if [ "$first" = "$bad" ]; then
          echo "${file#"$root"/}:$number: $folder/ must not include $bad/: $text" >&2
          status=1
        fi
      done
    done < <(grep -rnE --include='*.cpp' --include='*.hpp' --include='*.h' \
      '^[[:space:]]*#[[:space:]]*include' "$root/$folder" | sort || true)
  done
  if ((status)); then
    echo "check-layering: includes against the layering (docs/decisions/0008-layering-and-test-layout.md)" >&2
  fi
  return $status
}

self_test() {
  local scratch
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' RETURN
  # A clean tree: every folder includes only itself and what is below it.
  make_tree() {
    local t="$1"
    mkdir -p "$t"/{sim,models/analytic,scenarios,apps/tpssim}
    printf '#pragma once\n' >"$t/sim/a.hpp"
    printf '#pragma once\n#include "sim/a.hpp"\n' >"$t/models/b.hpp"
    printf '#include "models/b.hpp"\n#include "../b.hpp"\n#include <vector>\n' >"$t/models/analytic/c.cpp"
    printf '#include "scenarios/d.hpp"\n#include "models/b.hpp"\n#include "sim/a.hpp"\n' >"$t/scenarios/d.cpp"
    printf '#pragma once\n' >"$t/scenarios/d.hpp"
    printf '#include "apps/tpssim/e.hpp"\n#include "scenarios/d.hpp"\n' >"$t/apps/tpssim/e.cpp"
    printf '#pragma once\n' >"$t/apps/tpssim/e.hpp"
  }
  make_tree "$scratch/clean"
  if ! check "$scratch/clean" 2>"$scratch/clean.log"; then
    echo "check-layering --self-test: a clean tree was reported:" >&2
    cat "$scratch/clean.log" >&2
    return 1
  fi
  # Each violation on its own copy of the clean tree: the file to add to and the line.
  local cases=(
    'sim/x.cpp|#include "models/b.hpp"'
    'sim/x.hpp|  #  include <scenarios/d.hpp>'
    'sim/x.cpp|#include "apps/tpssim/e.hpp"'
    'models/x.cpp|#include "scenarios/d.hpp"'
    'models/analytic/x.cpp|#include "../../scenarios/d.hpp"'
    'models/x.hpp|#include "apps/tpssim/e.hpp"'
    'scenarios/x.cpp|#include "../apps/tpssim/e.hpp"'
  )
  local n=0 c file line
  for c in "${cases[@]}"; do
    n=$((n + 1))
    file="${c%%|*}"
    line="${c#*|}"
    make_tree "$scratch/bad$n"
    printf '%s\n' "$line" >>"$scratch/bad$n/$file"
    if check "$scratch/bad$n" 2>"$scratch/bad$n.log"; then
      echo "check-layering --self-test: missed \`$line\` in $file" >&2
      return 1
    fi
    grep -q "^$file:" "$scratch/bad$n.log" || {
      echo "check-layering --self-test: \`$line\` in $file reported elsewhere:" >&2
      cat "$scratch/bad$n.log" >&2
      return 1
    }
  done
  echo "check-layering --self-test: passed (a clean tree, ${#cases[@]} violations caught)"
}

case "${1:-}" in
--self-test) self_test ;;
-*)
  echo "usage: scripts/check-layering.sh [ROOT | --self-test]" >&2
  exit 2
  ;;
*) check "$(realpath "${1:-$here/..}")" ;;
esac
