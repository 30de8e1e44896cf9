#!/usr/bin/env bash
# Runs every fuzz target in turn, on one core (one process, one rayon thread), at the lowest
# priority.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Default: 600 seconds for each of parse, check, config, fix_apply, fix_document, api. Each target's
# working corpus grows in fuzz/corpus/TARGET/ (not committed); the committed seeds are read
# from fuzz/seeds/markdown/ or fuzz/seeds/config/. Logs go to fuzz/logs/TARGET.log; a crash
# leaves its input in fuzz/artifacts/TARGET/ and stops that target's run.

set -uo pipefail

cd "$(dirname "$0")"
SECONDS_PER_TARGET=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(parse check config fix_apply fix_document api)
mkdir -p logs

for target in "${TARGETS[@]}"; do
    case "$target" in
        config) seeds=seeds/config dict=toml.dict ;;
        fix_apply | api) seeds= dict= ;;
        *) seeds=seeds/markdown dict=markdown.dict ;;
    esac
    mkdir -p "corpus/$target"
    args=(-max_total_time="$SECONDS_PER_TARGET" -max_len=16384 -timeout=20 -rss_limit_mb=2048
        -print_final_stats=1)
    [ -z "$dict" ] || args+=(-dict="$dict")
    echo "== $target, $SECONDS_PER_TARGET s, $(date -u +%H:%M:%SZ)" | tee -a "logs/$target.log"
    # shellcheck disable=SC2086 # $seeds is empty or one folder
    RAYON_NUM_THREADS=1 nice -n 19 cargo +nightly fuzz run -O "$target" "corpus/$target" $seeds -- "${args[@]}" \
        >>"logs/$target.log" 2>&1
    echo "== $target exited with $?, $(date -u +%H:%M:%SZ)" | tee -a "logs/$target.log"
done
