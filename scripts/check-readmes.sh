#!/usr/bin/env bash
# Fails, listing what is missing, when a folder's README.md does not name every file and
# subfolder directly in that folder (tracked, or new and not ignored). A file counts as named
# when the README has its name (`cli.cpp`), its stem with a star (`cli.*`) or its stem in
# backquotes (`bench_mmc`); a subfolder when it has `name/`. A folder without a README.md of its
# own is listed in the nearest README above it (apps/tpssim/ in apps/README.md).
#
#   scripts/check-readmes.sh [ROOT]     check the tree at ROOT (default: this repository)
#   scripts/check-readmes.sh --self-test
#                                       prove that a complete README passes and that a missing
#                                       file, stem or subfolder is caught, in a throwaway tree
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# The folders checked, one word each. tests/'s folders are described by category in
# tests/README.md, not file by file.
folders=(sim models scenarios apps apps/tpssim bench docs docs/decisions scripts)
folders+=(tests tests/sim tests/apps tests/labs tests/support tests/statistical tests/fuzz)
folders+=(bindings bindings/python bindings/python/tpssim tests/python notebooks)

# The README that lists the entries of folder $2 under root $1: its own, else the nearest above.
readme_of() {
  local root="$1" folder="$2"
  while :; do
    if [ -f "$root/$folder/README.md" ]; then
      echo "$folder/README.md"
      return 0
    fi
    [[ "$folder" == */* ]] || return 1
    folder="${folder%/*}"
  done
}

# grep -E for $1 as a whole name: not preceded or followed by a letter, digit, '_' or '-'.
named() {
  local pattern="$1" readme="$2"
  grep -qE "(^|[^A-Za-z0-9_-])${pattern}($|[^A-Za-z0-9_-])" "$readme"
}

escape() { sed -E 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }

check() {
  local root="$1" folder readme entry name stem status=0
  for folder in "${folders[@]}"; do
    if [ ! -d "$root/$folder" ]; then
      echo "$folder/: no such folder (scripts/check-readmes.sh lists it)" >&2
      status=1
      continue
    fi
    if ! readme="$(readme_of "$root" "$folder")"; then
      echo "$folder/: no README.md here or above" >&2
      status=1
      continue
    fi
    # The entries directly in the folder: files, and subfolders (with a trailing /).
    while IFS= read -r entry; do
      name="${entry%/}"
      [ "$entry" = README.md ] && [ "$readme" = "$folder/README.md" ] && continue
      if [[ "$entry" == */ ]]; then
        named "$(escape "$name")/" "$root/$readme" && continue
      else
        stem="${name%.*}"
        named "$(escape "$name")" "$root/$readme" && continue
        [ "$stem" != "$name" ] && named "$(escape "$stem")\\.\\*" "$root/$readme" && continue
        grep -qF "\`$stem\`" "$root/$readme" && continue
      fi
      echo "$readme: does not name $folder/$entry" >&2
      status=1
    done < <(git -C "$root/$folder" ls-files --cached --others --exclude-standard --full-name . |
      sed -E "s|^$(escape "$folder")/||; s|/.*|/|" | sort -u)
  done
  if ((status)); then
    echo "check-readmes: name each file in its folder's README.md (what it is, in a few words)" >&2
  fi
  return $status
}

self_test() {
  local scratch
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' RETURN
  # A tree with every checked folder, each README naming everything in its folder.
  make_tree() {
    local t="$1" f
    git init -q "$t"
    for f in "${folders[@]}"; do
      mkdir -p "$t/$f"
      printf 'x\n' >"$t/$f/file-$(tr / - <<<"$f").txt"
    done
    for f in "${folders[@]}"; do
      [ -f "$t/$f/README.md" ] && continue
      [ "$f" = apps/tpssim ] && continue # listed in apps/README.md, as in the repository
      {
        echo "# $f"
        echo "\`file-$(tr / - <<<"$f").txt\`"
        # Its subfolders among the checked ones.
        for sub in "${folders[@]}"; do
          [[ "$sub" == "$f"/* && "${sub#"$f"/}" != */* ]] && echo "\`${sub#"$f"/}/\`"
        done
        [ "$f" = apps ] && echo "\`tpssim/\`, \`file-apps-tpssim.*\`"
      } >"$t/$f/README.md"
    done
    git -C "$t" add -A
  }
  make_tree "$scratch/clean"
  if ! check "$scratch/clean" 2>"$scratch/clean.log"; then
    echo "check-readmes --self-test: a complete tree was reported:" >&2
    cat "$scratch/clean.log" >&2
    return 1
  fi
  # Each omission on its own copy: the path to add, and what the report must name.
  local cases=(
    'sim/new_thing.hpp|sim/README.md: does not name sim/new_thing.hpp'
    'bench/bench_new.cpp|bench/README.md: does not name bench/bench_new.cpp'
    'apps/tpssim/extra.cpp|apps/README.md: does not name apps/tpssim/extra.cpp'
    'docs/decisions/0099-x.md|docs/decisions/README.md: does not name docs/decisions/0099-x.md'
    'tests/newfolder/a.cpp|tests/README.md: does not name tests/newfolder/'
    'scripts/untracked.sh|scripts/README.md: does not name scripts/untracked.sh'
  )
  local n=0 c path want
  for c in "${cases[@]}"; do
    n=$((n + 1))
    path="${c%%|*}"
    want="${c#*|}"
    cp -a "$scratch/clean" "$scratch/bad$n"
    mkdir -p "$(dirname "$scratch/bad$n/$path")"
    printf 'x\n' >"$scratch/bad$n/$path"
    # The last case stays untracked: new files count before they are added.
    [ "$n" -lt "${#cases[@]}" ] && git -C "$scratch/bad$n" add -A
    if check "$scratch/bad$n" 2>"$scratch/bad$n.log"; then
      echo "check-readmes --self-test: missed $path" >&2
      return 1
    fi
    grep -qF "$want" "$scratch/bad$n.log" || {
      echo "check-readmes --self-test: $path: expected \"$want\", got:" >&2
      cat "$scratch/bad$n.log" >&2
      return 1
    }
  done
  echo "check-readmes --self-test: passed (a complete tree, ${#cases[@]} omissions caught)"
}

case "${1:-}" in
--self-test) self_test ;;
-*)
  echo "usage: scripts/check-readmes.sh [ROOT | --self-test]" >&2
  exit 2
  ;;
*) check "$(realpath "${1:-$here/..}")" ;;
esac
