#!/usr/bin/env bash
# Are two survey-lint binaries' outputs byte-identical? For refactors that must change nothing.
#
#   benches/same-output.sh OLD_BINARY NEW_BINARY [CORPUS_DIR]
#
# Runs both over the same inputs — a survey corpus (default ../shared/corpus), the fixtures and
# examples of this checkout, and a 16 MB generated survey — with every command and format
# (check in human/json/sarif/github/junit, links text/json, extract json/csv, rules, explain,
# check --fix --diff), then compares every output file and exit status. Exit 0 when identical.
set -euo pipefail
OLD=$(realpath "$1"); NEW=$(realpath "$2")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=$(realpath "${3:-$ROOT/../shared/corpus}")
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/in"
cp -r "$CORPUS" "$WORK/in/corpus"
git -C "$ROOT" archive HEAD tests/fixtures examples | tar -x -C "$WORK/in"
cargo run --quiet --release --manifest-path "$ROOT/Cargo.toml" --example gen-survey -- --bytes 16M >"$WORK/in/survey-16mb.md"
run() {
    local bin=$1 out=$2
    mkdir -p "$out"; cd "$WORK/in"
    for fmt in human json sarif github junit; do
        for set in corpus "tests/fixtures examples"; do
            name=$(echo "$set" | cut -d' ' -f1 | tr / _)
            # shellcheck disable=SC2086
            "$bin" check --offline --color never --format $fmt $set >"$out/$name.$fmt" 2>"$out/$name.$fmt.err" || echo "rc=$?" >>"$out/$name.$fmt"
        done
    done
    COLUMNS=100 "$bin" check --offline --color never --format json survey-16mb.md >"$out/big.json" 2>&1 || true
    COLUMNS=100 "$bin" check --offline --color never survey-16mb.md >"$out/big.human" 2>&1 || true
    "$bin" links corpus tests/fixtures >"$out/links.txt" 2>&1 || true
    "$bin" links --format json corpus tests/fixtures >"$out/links.json" 2>&1 || true
    "$bin" extract --format json corpus tests/fixtures >"$out/extract.json" 2>&1 || true
    "$bin" extract --format csv corpus tests/fixtures >"$out/extract.csv" 2>&1 || true
    "$bin" rules >"$out/rules.txt" 2>&1
    for rule in duplicate-row malformed-compute SL302 dead-link; do "$bin" explain $rule >>"$out/explain.txt" 2>&1; done
    "$bin" check --offline --fix --diff corpus tests/fixtures >"$out/fix.diff" 2>&1 || true
    { "$bin" check --offline --fix --diff survey-16mb.md 2>&1 || true; } | md5sum >"$out/big-fix.md5"
}
run "$OLD" "$WORK/old"
run "$NEW" "$WORK/new"
if diff -r "$WORK/old" "$WORK/new" >"$WORK/diff"; then
    echo "identical: $(ls "$WORK/new" | wc -l) outputs"
else
    head -50 "$WORK/diff"; echo "outputs differ" >&2; exit 1
fi
