#!/usr/bin/env bash
# Scaling: each input that has "many" of something, at 1×, 4× and 16×, with its time and peak
# memory, so that a path that grows faster than its input shows as a ratio.
#
#   benches/scaling.sh [--no-build] [--only NAME]
#
# Inputs (16× is the size of the attack that found each problem):
#   glued    one table cell of N URLs glued together (16×: 70,000 URLs, 1.5 MB), --format json
#   empty    N empty rows (16×: 1,000,000 rows, 6 MB), --format sarif
#   copies   N copies of one row (16×: 1,000,000 rows, 10 MB), --format sarif: a finding
#            each, each pointing at the first
#   fixes    N empty rows fixed with --fix (16×: 1,000,000 fixes)
#   columns  100 rows of N columns (16×: 10,000 columns), --format json
#   files    N small surveys in one folder (16×: 16,000 files), --format json
#   parser   the empty-rows files through pulldown-cmark alone (`--example parse-only`): the
#            baseline, what reading the file as Markdown takes before any check
# Each run is `check --offline` under GNU time (`/usr/bin/time -v`): wall time, peak RSS, and
# the bytes written to stdout. "× prev" is the time (or RSS) over that of the scale before:
# linear growth is 4.0. The table is printed and written to target/scaling/summary.md.

set -euo pipefail

BUILD=1
ONLY=
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0 ;;
        --only)
            ONLY=$2
            shift
            ;;
        -h | --help)
            sed -n '2,18p' "$0"
            exit 0
            ;;
        *)
            echo "scaling.sh: unknown argument $1" >&2
            exit 2
            ;;
    esac
    shift
done

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/scaling
BIN=$ROOT/target/release/survey-lint
mkdir -p "$OUT"
[ -x /usr/bin/time ] || {
    echo "scaling.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 2
}
if [ "$BUILD" = 1 ]; then
    cargo build --release --quiet --bin survey-lint --example parse-only
fi
PARSER=$ROOT/target/release/examples/parse-only

# Inputs, written with awk so that nothing but a shell and awk is needed.
glued() { awk -v n="$1" 'BEGIN { printf "| Name | Link |\n|---|---|\n| m | "; for (i = 0; i < n; i++) printf "https://a.com/x%06d", i; print " |" }'; }
empty() { awk -v n="$1" 'BEGIN { print "| a | b |"; print "|---|---|"; for (i = 0; i < n; i++) print "| | |" }'; }
copies() { awk -v n="$1" 'BEGIN { print "| a | b |"; print "|---|---|"; for (i = 0; i < n; i++) print "| x | y |" }'; }
columns() {
    awk -v n="$1" 'BEGIN {
        for (i = 0; i < n; i++) printf "| c%d ", i; print "|";
        for (i = 0; i < n; i++) printf "|---"; print "|";
        for (r = 0; r < 100; r++) { for (i = 0; i < n; i++) printf "| r%dc%d ", r, i; print "|" }
    }'
}
files() {
    local dir=$2
    rm -rf "$dir" && mkdir -p "$dir"
    for ((i = 0; i < $1; i++)); do
        printf '| Model | Size | Link |\n|---|---|---|\n| m%d | 7B | https://e.example/%d |\n| m%d | 7B | https://e.example/%d |\n' \
            "$i" "$i" "$i" "$i" >"$dir/s$i.md"
    done
}

SUMMARY=$OUT/summary.md
{
    echo "| input | scale | n | input bytes | time (s) | × prev | peak RSS (MiB) | × prev | RSS ÷ input | stdout bytes |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$SUMMARY"

# run NAME SCALE N INPUT ARGS...: times one run and appends its row.
prev_time=
prev_rss=
run() {
    local name=$1 scale=$2 n=$3 input=$4
    shift 4
    local bytes
    bytes=$(du -sb "$input" | cut -f1)
    local timing=$OUT/$name-$scale.time
    set +e
    local program=$BIN
    if [ "$1" = --parser ]; then
        program=$PARSER
        shift
    fi
    /usr/bin/time -v -o "$timing" "$program" "$@" >"$OUT/$name-$scale.out" 2>"$OUT/$name-$scale.err"
    local status=$?
    set -e
    if [ "$status" -gt 2 ]; then
        echo "scaling.sh: $name at $scale exited with $status" >&2
        tail -5 "$OUT/$name-$scale.err" >&2
    fi
    local wall rss_kb seconds rss_mib out_bytes
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$timing")
    rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$timing")
    seconds=$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')
    rss_mib=$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
    out_bytes=$(stat -c %s "$OUT/$name-$scale.out")
    local time_ratio=— rss_ratio=—
    if [ -n "$prev_time" ]; then
        time_ratio=$(awk -v a="$seconds" -v b="$prev_time" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
        rss_ratio=$(awk -v a="$rss_mib" -v b="$prev_rss" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
    fi
    local per_input
    per_input=$(awk -v r="$rss_kb" -v b="$bytes" 'BEGIN { printf "%.1f", r * 1024 / b }')
    echo "| $name | $scale | $n | $bytes | $seconds | $time_ratio | $rss_mib | $rss_ratio | $per_input | $out_bytes |" | tee -a "$SUMMARY"
    prev_time=$seconds
    prev_rss=$rss_mib
}

# series NAME BASE: the three scales of one input.
series() {
    local name=$1 base=$2
    [ -z "$ONLY" ] || [ "$ONLY" = "$name" ] || return 0
    prev_time=
    prev_rss=
    for scale in 1 4 16; do
        local n=$((base * scale)) input=$OUT/$name-$scale.md
        case "$name" in
            glued)
                glued "$n" >"$input"
                run "$name" "${scale}×" "$n" "$input" check --offline --format json "$input"
                ;;
            empty)
                empty "$n" >"$input"
                run "$name" "${scale}×" "$n" "$input" check --offline --format sarif "$input"
                ;;
            copies)
                copies "$n" >"$input"
                run "$name" "${scale}×" "$n" "$input" check --offline --format sarif "$input"
                ;;
            parser)
                empty "$n" >"$input"
                run "$name" "${scale}×" "$n" "$input" --parser "$input"
                ;;
            fixes)
                empty "$n" >"$input"
                run "$name" "${scale}×" "$n" "$input" check --offline --fix --format json "$input"
                ;;
            columns)
                columns "$n" >"$input"
                run "$name" "${scale}×" "$n" "$input" check --offline --format json "$input"
                ;;
            files)
                input=$OUT/$name-$scale
                files "$n" "$input"
                run "$name" "${scale}×" "$n" "$input" check --offline --format json "$input"
                ;;
        esac
    done
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)" | tee "$OUT/machine.txt"
series glued 4375
series empty 62500
series parser 62500
series copies 62500
series fixes 62500
series columns 625
series files 1000
echo "written to $SUMMARY" >&2
