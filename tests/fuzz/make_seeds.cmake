# Run at build time (cmake -P): the seed corpora and dictionaries of the fuzz targets, from the
# source tree as it is now, so a new scenario file becomes a seed without being copied by hand.
#   -DSOURCE_DIR=<source folder> -DOUT_DIR=<folder for seeds/ and *.dict>
# Seeds:   OUT_DIR/seeds/scenario_loader/  every scenarios/**/*.yaml and tests/bad/*.yaml
#          OUT_DIR/seeds/set_override/     tests/fuzz/set_seeds/*.txt (small, committed)
# Dicts:   OUT_DIR/scenario_loader.dict    every `key:` of those files, and YAML punctuation
#          OUT_DIR/set_override.dict       every key, `.`, `=`, `[0]`
cmake_minimum_required(VERSION 3.25)

set(loader_seeds ${OUT_DIR}/seeds/scenario_loader)
set(set_seeds ${OUT_DIR}/seeds/set_override)
file(REMOVE_RECURSE ${loader_seeds} ${set_seeds})
file(MAKE_DIRECTORY ${loader_seeds} ${set_seeds})

file(GLOB_RECURSE scenario_files ${SOURCE_DIR}/scenarios/*.yaml)
file(GLOB bad_files ${SOURCE_DIR}/tests/bad/*.yaml)
set(keys "")
foreach(f IN LISTS scenario_files bad_files)
  file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
  string(REPLACE "/" "_" flat ${rel})
  configure_file(${f} ${loader_seeds}/${flat} COPYONLY)
  file(STRINGS ${f} lines REGEX "[a-z_]+:")
  foreach(line IN LISTS lines)
    string(REGEX MATCHALL "[a-z_]+:" found "${line}")
    list(APPEND keys ${found})
  endforeach()
endforeach()
list(REMOVE_DUPLICATES keys)
list(SORT keys)

file(GLOB committed_set_seeds ${SOURCE_DIR}/tests/fuzz/set_seeds/*.txt)
foreach(f IN LISTS committed_set_seeds)
  get_filename_component(name ${f} NAME)
  configure_file(${f} ${set_seeds}/${name} COPYONLY)
endforeach()

set(loader_dict "")
set(set_dict "\"=\"\n\".\"\n\"[0]\"\n\"services.\"\n\"load.\"\n")
foreach(k IN LISTS keys)
  string(REGEX REPLACE ":$" "" bare ${k})
  string(APPEND loader_dict "\"${k} \"\n")
  string(APPEND set_dict "\"${bare}\"\n")
endforeach()
foreach(p IN ITEMS "{" "}" "[" "]" ", " "- " "\\x0A  " "\\x0A    " "&a " "*a" "<<: " "!!str "
               "---\\x0A" "'" "\\\"" "#")
  string(APPEND loader_dict "\"${p}\"\n")
endforeach()
file(WRITE ${OUT_DIR}/scenario_loader.dict "${loader_dict}")
file(WRITE ${OUT_DIR}/set_override.dict "${set_dict}")
