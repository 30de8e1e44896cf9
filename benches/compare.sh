#!/usr/bin/env bash
# Comparison benchmarks: survey-lint against the tools a user would pick instead.
#
#   benches/compare.sh [--quick] [--no-install] [--offline-only | --online-only]
#
# Run from anywhere inside a clone; it works in the repository root. It
#   1. installs the peers if missing, at pinned versions, under target/bench-tools/
#      (lychee and rumdl with `cargo install --locked`, markdownlint-cli2 with npm,
#      frictionless with pip in a venv; hyperfine and GNU time from apt when run as root),
#   2. builds survey-lint, gen-survey and link-farm with `cargo build --release`,
#   3. times the offline comparisons on synthetic surveys (16 MB, 100 MB, 5,000 rows),
#   4. starts the loopback link farm (127.0.0.1-127.0.0.10, 50 ms per response) and times the
#      link checkers, scores them on transient faults, and times the warm link cache,
#   5. prints a summary table (also written to target/bench-compare/summary.md) with every
#      figure, its target, and the exact command.
# Nothing is timed while a peer is still compiling. Network: the package registries for the
# installs, loopback (127.0.0.0/8) for everything else. Every server it starts is stopped on exit.
#
# Environment: BENCH_OUT (work folder, default target/bench-compare), BENCH_TOOLS (default
# target/bench-tools), FARM_LATENCY_MS (default 50).

set -euo pipefail

RUMDL_VERSION=0.3.2
LYCHEE_VERSION=0.24.2
MARKDOWNLINT_CLI2_VERSION=0.24.1
FRICTIONLESS_VERSION=5.21.0

QUICK=0
INSTALL=1
OFFLINE=1
ONLINE=1
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        --no-install) INSTALL=0 ;;
        --offline-only) ONLINE=0 ;;
        --online-only) OFFLINE=0 ;;
        -h | --help)
            sed -n '2,20p' "$0"
            exit 0
            ;;
        *)
            echo "compare.sh: unknown argument $arg" >&2
            exit 2
            ;;
    esac
done

cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=${BENCH_TOOLS:-$ROOT/target/bench-tools}
OUT=${BENCH_OUT:-$ROOT/target/bench-compare}
LATENCY_MS=${FARM_LATENCY_MS:-50}
mkdir -p "$TOOLS" "$OUT"
SUMMARY=$OUT/summary.md
LOG=$OUT/compare.log
: >"$LOG"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$LOG" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------------------------------------
# Cleanup: the farm, and a background install if we are interrupted.
FARM_PID=
LYCHEE_JOB=
cleanup() {
    local status=$?
    if [[ -n $FARM_PID ]]; then
        kill "$FARM_PID" 2>/dev/null || true
        wait "$FARM_PID" 2>/dev/null || true
    fi
    if [[ -n $LYCHEE_JOB ]] && kill -0 "$LYCHEE_JOB" 2>/dev/null; then
        log "stopping the unfinished lychee install (pid $LYCHEE_JOB)"
        kill -- "-$LYCHEE_JOB" 2>/dev/null || kill "$LYCHEE_JOB" 2>/dev/null || true
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# 1. Tools.
NOT_INSTALLED=()
export PATH="$TOOLS/bin:$TOOLS/npm/node_modules/.bin:$PATH"

version_of() { "$1" --version 2>/dev/null | head -n1 || true; }

# lychee first: it takes longest to build, so it compiles while the rest installs.
LYCHEE=
lychee_ok() { [[ -x $TOOLS/bin/lychee ]] && version_of "$TOOLS/bin/lychee" | grep -q "$LYCHEE_VERSION"; }
if lychee_ok; then
    LYCHEE=$TOOLS/bin/lychee
elif [[ $INSTALL == 1 && $ONLINE == 1 ]] && have cargo; then
    log "installing lychee $LYCHEE_VERSION in the background (log: $TOOLS/lychee-install.log)"
    setsid cargo install lychee --version "$LYCHEE_VERSION" --locked --root "$TOOLS" \
        >"$TOOLS/lychee-install.log" 2>&1 &
    LYCHEE_JOB=$!
fi

if [[ $INSTALL == 1 ]] && { ! have hyperfine || [[ ! -x /usr/bin/time ]]; }; then
    if [[ $(id -u) == 0 ]] && have apt-get; then
        log "installing hyperfine and time from apt"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine time; } \
            >>"$LOG" 2>&1 || log "apt install failed; timing with repeated runs instead"
    else
        log "hyperfine or /usr/bin/time missing and not root: timing with repeated runs instead"
    fi
fi
HYPERFINE=
if have hyperfine; then HYPERFINE=$(command -v hyperfine); fi
GNU_TIME=
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true 2>/dev/null; then GNU_TIME=/usr/bin/time; fi

RUMDL=
if [[ -x $TOOLS/bin/rumdl ]] && version_of "$TOOLS/bin/rumdl" | grep -q "$RUMDL_VERSION"; then
    RUMDL=$TOOLS/bin/rumdl
elif [[ $INSTALL == 1 && $OFFLINE == 1 ]]; then
    log "installing rumdl $RUMDL_VERSION (cargo install --locked)"
    if cargo install rumdl --version "$RUMDL_VERSION" --locked --root "$TOOLS" >"$TOOLS/rumdl-install.log" 2>&1; then
        RUMDL=$TOOLS/bin/rumdl
    else
        NOT_INSTALLED+=("rumdl $RUMDL_VERSION: cargo install failed, see $TOOLS/rumdl-install.log")
    fi
fi

MDL2=
if [[ -x $TOOLS/npm/node_modules/.bin/markdownlint-cli2 ]]; then
    MDL2=$TOOLS/npm/node_modules/.bin/markdownlint-cli2
elif [[ $INSTALL == 1 && $OFFLINE == 1 ]]; then
    if have npm; then
        log "installing markdownlint-cli2 $MARKDOWNLINT_CLI2_VERSION (npm, prefix $TOOLS/npm)"
        if npm install --prefix "$TOOLS/npm" --no-audit --no-fund \
            "markdownlint-cli2@$MARKDOWNLINT_CLI2_VERSION" >"$TOOLS/npm-install.log" 2>&1; then
            MDL2=$TOOLS/npm/node_modules/.bin/markdownlint-cli2
        else
            NOT_INSTALLED+=("markdownlint-cli2: npm install failed, see $TOOLS/npm-install.log")
        fi
    else
        NOT_INSTALLED+=("markdownlint-cli2: npm not found")
    fi
fi

FRICTIONLESS=
if [[ -x $TOOLS/venv/bin/frictionless ]]; then
    FRICTIONLESS=$TOOLS/venv/bin/frictionless
elif [[ $INSTALL == 1 && $OFFLINE == 1 ]]; then
    log "installing frictionless $FRICTIONLESS_VERSION (pip, venv $TOOLS/venv)"
    if python3 -m venv "$TOOLS/venv" >"$TOOLS/pip-install.log" 2>&1 &&
        "$TOOLS/venv/bin/pip" install -q "frictionless==$FRICTIONLESS_VERSION" >>"$TOOLS/pip-install.log" 2>&1; then
        FRICTIONLESS=$TOOLS/venv/bin/frictionless
    else
        NOT_INSTALLED+=("frictionless: venv or pip install failed, see $TOOLS/pip-install.log")
    fi
fi

# 2. Our own binaries.
log "building survey-lint, gen-survey and link-farm (cargo build --release)"
cargo build --release --bin survey-lint --example gen-survey --example link-farm >>"$LOG" 2>&1
SL=$ROOT/target/release/survey-lint
GEN=$ROOT/target/release/examples/gen-survey
FARM=$ROOT/target/release/examples/link-farm

if [[ -n $LYCHEE_JOB ]]; then
    log "waiting for the lychee install to finish before timing anything"
    if wait "$LYCHEE_JOB" && lychee_ok; then
        LYCHEE=$TOOLS/bin/lychee
    else
        NOT_INSTALLED+=("lychee $LYCHEE_VERSION: cargo install failed, see $TOOLS/lychee-install.log")
    fi
    LYCHEE_JOB=
fi
if [[ -z $LYCHEE && $ONLINE == 1 && $INSTALL == 0 ]]; then
    NOT_INSTALLED+=("lychee: not in $TOOLS/bin and --no-install given")
fi

# ---------------------------------------------------------------------------------------------
# Measuring.
RUNS_MANY=60
RUNS_FAST=10
RUNS_SLOW=3
if [[ $QUICK == 1 ]]; then
    RUNS_MANY=10
    RUNS_FAST=3
    RUNS_SLOW=1
fi

ROWS=()
# row FIGURE VALUE TARGET COMMAND
SEP=$'\x1f'
row() { ROWS+=("$1$SEP$2$SEP$3$SEP$4"); }

fmt() { awk -v x="$1" 'BEGIN { printf "%.3f", x }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mbps() { awk -v bytes="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", bytes / 1e6 / s; else print "n/a" }'; }
size_of() { wc -c <"$1" | tr -d ' '; }

# measure NAME RUNS WARMUP COMMAND [PREPARE]: median wall seconds into MEDIAN. The first
# warm-up run keeps its output in OUT/NAME.out and its exit status and output size in
# CHECKED, so a peer that failed fast (and looked fast) shows in the summary.
MEDIAN=
CHECKED=
measure() {
    local name=$1 runs=$2 warmup=$3 cmd=$4 prepare=${5:-} status=0
    log "timing $name: $cmd"
    if [[ -n $prepare ]]; then bash -c "$prepare" >/dev/null 2>&1 || true; fi
    bash -c "$cmd" >"$OUT/$name.out" 2>&1 || status=$?
    CHECKED="exit $status, $(wc -l <"$OUT/$name.out" | tr -d ' ') output lines"
    log "  checked run: $CHECKED (output in $OUT/$name.out)"
    if [[ $warmup -gt 0 ]]; then warmup=$((warmup - 1)); fi
    if [[ -n $HYPERFINE ]]; then
        local args=(--ignore-failure --style basic --runs "$runs" --export-json "$OUT/$name.json")
        if [[ $warmup -gt 0 ]]; then args+=(--warmup "$warmup"); fi
        # A plain command runs without a shell: a few-millisecond run is not timed with the
        # shell's noise in it.
        if [[ $cmd != *[\|\<\>\;\&\$]* ]]; then args+=(--shell=none); fi
        if [[ -n $prepare ]]; then args+=(--prepare "$prepare"); fi
        "$HYPERFINE" "${args[@]}" "$cmd" >"$OUT/$name.hyperfine.txt" 2>&1
        MEDIAN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$OUT/$name.json")
    else
        local i times=() start end
        for ((i = 0; i < warmup + runs; i++)); do
            if [[ -n $prepare ]]; then bash -c "$prepare" >/dev/null 2>&1 || true; fi
            start=$(date +%s%N)
            bash -c "$cmd" >/dev/null 2>&1 || true
            end=$(date +%s%N)
            if ((i >= warmup)); then times+=("$(((end - start) / 1000))"); fi
        done
        MEDIAN=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.6f", m / 1e6 }')
        printf '%s\n' "${times[@]}" >"$OUT/$name.times-us.txt"
    fi
    log "  median $(fmt "$MEDIAN") s"
}

# once COMMAND: wall seconds of one run into ONCE (output to files is up to the command).
ONCE=
once() {
    local start end
    start=$(date +%s%N)
    bash -c "$1" || true
    end=$(date +%s%N)
    ONCE=$(awk -v ns="$((end - start))" 'BEGIN { printf "%.6f", ns / 1e9 }')
}

# peak_rss COMMAND: peak resident set size in KiB into RSS_KB.
RSS_KB=
peak_rss() {
    RSS_KB=
    if [[ -z $GNU_TIME ]]; then return; fi
    "$GNU_TIME" -v -o "$OUT/time-v.txt" bash -c "exec $1" >/dev/null 2>&1 || true
    RSS_KB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$OUT/time-v.txt")
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before timing: $LOAD_START (other work on the machine skews every figure)"
EMPTY_CONFIG=$OUT/empty.toml
: >"$EMPTY_CONFIG"

# ---------------------------------------------------------------------------------------------
# 3. Offline.
if [[ $OFFLINE == 1 ]]; then
    S16=$OUT/survey-16mb.md
    C16=$OUT/survey-16mb.csv
    S100=$OUT/survey-100mb.md
    S5K=$OUT/survey-5000rows.md
    [[ -s $S16 ]] || "$GEN" --bytes 16M >"$S16"
    [[ -s $C16 ]] || "$GEN" --bytes 16M --csv >"$C16"
    [[ -s $S100 ]] || "$GEN" --bytes 100M >"$S100"
    [[ -s $S5K ]] || "$GEN" --rows 5000 >"$S5K"
    B16=$(size_of "$S16")
    B100=$(size_of "$S100")
    B5K=$(size_of "$S5K")
    BCSV=$(size_of "$C16")
    log "surveys: 16 MB = $B16 bytes, 100 MB = $B100 bytes, 5,000 rows = $B5K bytes, CSV = $BCSV bytes"

    cmd="$SL check --offline --config $EMPTY_CONFIG $S16"
    measure sl-offline-16mb "$RUNS_FAST" 1 "$cmd"
    SL16=$MEDIAN
    row "survey-lint check --offline, 16 MB: median s" "$(fmt "$SL16") [$CHECKED]" "" "$cmd"
    row "survey-lint check --offline, 16 MB: MB/s" "$(mbps "$B16" "$SL16")" ">= 60" "(file $B16 bytes)"

    peak_rss "$cmd"
    if [[ -n $RSS_KB ]]; then
        row "survey-lint peak RSS, 16 MB: MiB" "$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')" "" "/usr/bin/time -v $cmd"
        row "survey-lint peak RSS ÷ file size, 16 MB" "$(ratio "$((RSS_KB * 1024))" "$B16")" "< 5" ""
    fi

    cmd="$SL check --offline --config $EMPTY_CONFIG $S100"
    measure sl-offline-100mb "$RUNS_SLOW" 1 "$cmd"
    SL100=$MEDIAN
    row "survey-lint check --offline, 100 MB: median s" "$(fmt "$SL100") [$CHECKED]" "" "$cmd"
    row "survey-lint check --offline, 100 MB: MB/s" "$(mbps "$B100" "$SL100")" "" "(file $B100 bytes)"
    row "time ratio 100 MB ÷ 16 MB (linear = $(ratio "$B100" "$B16"))" "$(ratio "$SL100" "$SL16")" "<= 7.5" ""
    peak_rss "$cmd"
    if [[ -n $RSS_KB ]]; then
        row "survey-lint peak RSS ÷ file size, 100 MB" "$(ratio "$((RSS_KB * 1024))" "$B100")" "" "/usr/bin/time -v $cmd"
    fi

    if [[ -n $RUMDL ]]; then
        cmd="$RUMDL check --no-config --no-cache --enable MD055,MD056 $S16"
        measure rumdl-tables-16mb "$RUNS_FAST" 1 "$cmd"
        row "rumdl $RUMDL_VERSION MD055+MD056, 16 MB: median s" "$(fmt "$MEDIAN") [$CHECKED]" "" "$cmd"
        row "  ratio rumdl tables ÷ survey-lint" "$(ratio "$MEDIAN" "$SL16")" "> 1" ""
        cmd="$RUMDL check --no-config --no-cache $S16"
        measure rumdl-all-16mb "$RUNS_SLOW" 1 "$cmd"
        row "rumdl $RUMDL_VERSION all rules, 16 MB: median s" "$(fmt "$MEDIAN") [$CHECKED]" "" "$cmd"
        row "  ratio rumdl all ÷ survey-lint" "$(ratio "$MEDIAN" "$SL16")" "" ""
    fi

    if [[ -n $FRICTIONLESS ]]; then
        # --trusted: frictionless refuses absolute paths without it (and fails fast).
        cmd="$FRICTIONLESS validate --trusted --checks duplicate-row --limit-errors 100000000 $C16"
        measure frictionless-16mb "$RUNS_SLOW" 1 "$cmd"
        row "frictionless $FRICTIONLESS_VERSION validate (duplicate-row), same rows as CSV: median s" "$(fmt "$MEDIAN") [$CHECKED]" "" "$cmd"
        row "  ratio frictionless ÷ survey-lint" "$(ratio "$MEDIAN" "$SL16")" ">= 8" "(CSV $BCSV bytes)"
    fi

    if [[ -n $MDL2 ]]; then
        MDL2_CONFIG=$OUT/tables.markdownlint-cli2.jsonc
        printf '{ "config": { "default": false, "MD055": true, "MD056": true } }\n' >"$MDL2_CONFIG"
        cmd="$SL check --offline --config $EMPTY_CONFIG $S5K"
        measure sl-offline-5000rows "$RUNS_FAST" 1 "$cmd"
        SL5K=$MEDIAN
        row "survey-lint check --offline, 5,000 rows ($B5K bytes): median s" "$(fmt "$SL5K") [$CHECKED]" "" "$cmd"
        cmd="$MDL2 --config $MDL2_CONFIG :$S5K"
        measure markdownlint-5000rows "$RUNS_SLOW" 1 "$cmd"
        row "markdownlint-cli2 $MARKDOWNLINT_CLI2_VERSION MD055+MD056, 5,000 rows: median s" "$(fmt "$MEDIAN") [$CHECKED]" "" "$cmd"
        row "  ratio markdownlint-cli2 ÷ survey-lint" "$(ratio "$MEDIAN" "$SL5K")" "" ""
    fi
fi

# ---------------------------------------------------------------------------------------------
# 4. Online, against the loopback farm.
if [[ $ONLINE == 1 ]]; then
    # Loopback only: no proxy may see these requests.
    unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
    export NO_PROXY=127.0.0.0/8,localhost no_proxy=127.0.0.0/8,localhost
    HOSTS=10
    URLS=1000
    coproc FARM_PROC { exec "$FARM" --hosts "$HOSTS" --latency-ms "$LATENCY_MS" --seconds 1800 2>"$OUT/farm.err"; }
    FARM_PID=$FARM_PROC_PID
    line=
    read -r -t 30 -u "${FARM_PROC[0]}" line || true
    PORT=${line#port }
    if [[ ! $PORT =~ ^[0-9]+$ ]]; then
        log "the link farm did not start: $(cat "$OUT/farm.err")"
        exit 1
    fi
    log "link farm: 127.0.0.1-127.0.0.$HOSTS port $PORT, $LATENCY_MS ms per response (pid $FARM_PID)"
    farm() { curl -s --noproxy '*' --max-time 10 "http://127.0.0.1:$PORT/$1"; }
    farm_requests() { farm __stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }

    LINKS=$OUT/links-$URLS.md
    FAULTS=$OUT/faults.md
    "$FARM" --write-survey "$LINKS" --port "$PORT" --urls "$URLS" --hosts "$HOSTS"
    "$FARM" --write-survey "$FAULTS" --port "$PORT" --faults 50 --hosts "$HOSTS"

    CFG=$OUT/links.toml
    CFG80=$OUT/links-80.toml
    CFGCACHE=$OUT/links-cache.toml
    printf '[links]\nallow_private = ["127.0.0.0/8"]\n' >"$CFG"
    printf '[links]\nallow_private = ["127.0.0.0/8"]\nmax_concurrency = 80\n' >"$CFG80"
    printf '[links]\nallow_private = ["127.0.0.0/8"]\ncache_dir = "%s"\n' "$OUT/cache" >"$CFGCACHE"

    # bound URLS_PER_HOST MAX_PER_HOST MAX_CONCURRENCY: seconds.
    bound() {
        awk -v u="$1" -v h="$2" -v n="$URLS" -v c="$3" -v l="$LATENCY_MS" 'BEGIN {
            ph = int((u + h - 1) / h) * l / 1000; oc = int((n + c - 1) / c) * l / 1000;
            printf "%.3f %.3f %.3f", ph, oc, (ph > oc ? ph : oc) }'
    }
    PER_HOST=$((URLS / HOSTS))

    # One checked run first: every link must come back alive, each requested once.
    farm __reset >/dev/null
    "$SL" check --no-cache --format json --config "$CFG" "$LINKS" >"$OUT/sl-links.json" || true
    SL_LINK_REQUESTS=$(farm_requests)
    SL_LINK_FINDINGS=$(python3 -c 'import json,sys,collections; d=json.load(open(sys.argv[1])); print(dict(collections.Counter(x["rule"] for x in d["diagnostics"])) or "none")' "$OUT/sl-links.json")
    log "survey-lint on $URLS ok links: $SL_LINK_REQUESTS requests, findings $SL_LINK_FINDINGS"

    for variant in default 80; do
        if [[ $variant == default ]]; then
            cfg=$CFG
            read -r ph oc b <<<"$(bound "$PER_HOST" 8 128)"
            what="default (max_concurrency 128, max_per_host 8)"
        else
            cfg=$CFG80
            read -r ph oc b <<<"$(bound "$PER_HOST" 8 80)"
            what="max_concurrency 80, max_per_host 8"
        fi
        cmd="$SL check --no-cache --config $cfg $LINKS"
        measure "sl-links-$variant" 5 1 "$cmd"
        row "survey-lint links, $URLS URLs / $HOSTS hosts @ ${LATENCY_MS} ms, $what: median s" "$(fmt "$MEDIAN") [$CHECKED]" "" "$cmd"
        row "  bounds: per host ⌈$PER_HOST÷8⌉×${LATENCY_MS}ms = $ph s, overall ⌈$URLS÷$( [[ $variant == default ]] && echo 128 || echo 80)⌉×${LATENCY_MS}ms = $oc s; ratio to max $b s" "$(ratio "$MEDIAN" "$b")" "<= 1.2" ""
        if [[ $variant == default ]]; then SLLINKS=$MEDIAN; fi
    done
    row "  survey-lint: requests for $URLS links (farm count); findings" "$SL_LINK_REQUESTS; $SL_LINK_FINDINGS" "$URLS; none" "$SL check --no-cache --format json --config $CFG $LINKS"

    if [[ -n $LYCHEE ]]; then
        # lychee checks loopback addresses unless --exclude-loopback/--exclude-private is given:
        # its defaults are used as they are.
        farm __reset >/dev/null
        "$LYCHEE" --no-progress --format json "$LINKS" >"$OUT/lychee-links.json" 2>"$OUT/lychee-links.err" || true
        LY_LINK_REQUESTS=$(farm_requests)
        LY_LINK_RESULT=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("total %s, successful %s, errors %s" % (d.get("total"), d.get("successful"), d.get("errors")))' "$OUT/lychee-links.json" 2>/dev/null || echo "unreadable, see $OUT/lychee-links.err")
        log "lychee on $URLS ok links: $LY_LINK_REQUESTS requests, $LY_LINK_RESULT"
        cmd="$LYCHEE --no-progress $LINKS"
        measure lychee-links 5 1 "$cmd"
        row "lychee $LYCHEE_VERSION (defaults), same survey: median s" "$(fmt "$MEDIAN") [$CHECKED]" "" "$cmd"
        row "  ratio lychee ÷ survey-lint (default config)" "$(ratio "$MEDIAN" "$SLLINKS")" "> 1" ""
        row "  lychee: requests (farm count); result" "$LY_LINK_REQUESTS; $LY_LINK_RESULT" "" "$LYCHEE --no-progress --format json $LINKS"
    fi

    # Transient faults: 50 links each of ok, gone, flaky429, flaky500, botwall, moved.
    # Ground truth: only /gone/ is dead.
    by_kind='import json,re,sys,collections
def kind(s):
    m = re.search(r"/(ok|gone|flaky429|flaky500|botwall|moved)/", s)
    return m.group(1) if m else "?"
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
def kind_at(line):  # survey-lint names no URL, only the line: the Kind column says it
    return kind(lines[line - 1]) if 0 < line <= len(lines) else "?"'
    farm __reset >/dev/null
    once "$SL check --no-cache --format json --config $CFG $FAULTS >$OUT/sl-faults.json"
    SLF_TIME=$ONCE
    SLF_HITS=$(farm __stats)
    SLF=$(python3 -c "$by_kind"'
d = json.load(open(sys.argv[1]))
c = collections.Counter((x["rule"], kind_at(x["line"])) for x in d["diagnostics"] if x["rule"].endswith("-link") and x["rule"] != "duplicate-link")
dead = {k: n for (r, k), n in c.items() if r == "dead-link"}
false_dead = sum(n for k, n in dead.items() if k != "gone")
other = ", ".join("%s %s %d" % (r, k, n) for (r, k), n in sorted(c.items()) if r != "dead-link")
print("%d\t%d\t%d\t%s" % (sum(dead.values()), dead.get("gone", 0), false_dead, other or "-"))' "$OUT/sl-faults.json" "$FAULTS")
    IFS=$'\t' read -r sl_dead sl_gone sl_false sl_other <<<"$SLF"
    cmd="$SL check --no-cache --format json --config $CFG $FAULTS"
    row "survey-lint faults (50 each ok/gone/flaky429/flaky500/botwall/moved): dead-link findings" "$sl_dead (gone $sl_gone, false $sl_false)" "50 (gone 50, false 0)" "$cmd"
    row "  survey-lint faults: other link findings; wall s" "$sl_other; $(fmt "$SLF_TIME")" "" ""
    row "  survey-lint faults: farm hits" "$SLF_HITS" "" ""

    if [[ -n $LYCHEE ]]; then
        farm __reset >/dev/null
        once "$LYCHEE --no-progress --format json $FAULTS >$OUT/lychee-faults.json 2>$OUT/lychee-faults.err"
        LYF_TIME=$ONCE
        LYF_HITS=$(farm __stats)
        LYF=$(python3 -c "$by_kind"'
d = json.load(open(sys.argv[1]))
broken = collections.Counter()
for key in ("error_map", "fail_map"):
    for responses in (d.get(key) or {}).values():
        for r in responses:
            broken[kind(r.get("url", "") if isinstance(r, dict) else str(r))] += 1
false_dead = sum(n for k, n in broken.items() if k != "gone")
print("%d\t%d\t%d\t%s\t%s" % (sum(broken.values()), broken.get("gone", 0), false_dead,
    ", ".join("%s %d" % kv for kv in sorted(broken.items())) or "-", d.get("errors")))' "$OUT/lychee-faults.json" "$FAULTS" 2>/dev/null || printf 'n/a\tn/a\tn/a\tunreadable\tn/a')
        IFS=$'\t' read -r ly_dead ly_gone ly_false ly_kinds ly_errors <<<"$LYF"
        cmd="$LYCHEE --no-progress --format json $FAULTS"
        row "lychee faults: links reported broken" "$ly_dead (gone $ly_gone, false $ly_false; errors field $ly_errors)" "" "$cmd"
        row "  lychee faults: broken by kind; wall s" "$ly_kinds; $(fmt "$LYF_TIME")" "" ""
        row "  lychee faults: farm hits" "$LYF_HITS" "" ""
    fi

    # Warm cache: cold once, then warm, against --offline on the same file.
    rm -rf "$OUT/cache"
    farm __reset >/dev/null
    cmd="$SL check --config $CFGCACHE $LINKS"
    once "$cmd >/dev/null 2>&1"
    row "survey-lint cold cache, $URLS links: wall s (one run)" "$(fmt "$ONCE")" "" "$cmd"
    farm __reset >/dev/null
    # Runs of a few milliseconds: many of them, so the medians are steady.
    measure sl-warm "$RUNS_MANY" 3 "$cmd"
    WARM=$MEDIAN
    WARM_REQUESTS=$(farm_requests)
    row "survey-lint warm cache: median s" "$(fmt "$WARM") [$CHECKED]" "" "$cmd"
    row "  requests during all warm runs (farm count)" "$WARM_REQUESTS" "0" ""
    cmd="$SL check --offline --config $CFGCACHE $LINKS"
    measure sl-offline-links "$RUNS_MANY" 3 "$cmd"
    row "survey-lint --offline, same file: median s" "$(fmt "$MEDIAN") [$CHECKED]" "" "$cmd"
    row "  ratio warm ÷ offline" "$(ratio "$WARM" "$MEDIAN")" "<= 1.5" ""
fi

# ---------------------------------------------------------------------------------------------
# 5. Summary.
tool_version() { if [[ -n $1 ]]; then version_of "$1"; else echo "${2:-not installed}"; fi; }
{
    echo "# survey-lint comparison benchmarks"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), survey-lint $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "load average before timing: $LOAD_START; after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "peers: $(tool_version "$RUMDL"); $(tool_version "$LYCHEE"); markdownlint-cli2 $(tool_version "$MDL2" | grep -o 'v[0-9.]*' | head -n1); frictionless $(tool_version "$FRICTIONLESS"); timing: $(tool_version "$HYPERFINE" 'repeated runs, median of date +%s%N')"
    echo
    echo "| figure | value | target | command |"
    echo "|---|---|---|---|"
    for r in "${ROWS[@]}"; do
        IFS=$SEP read -r f v t c <<<"$r"
        printf '| %s | %s | %s | %s |\n' "$f" "$v" "$t" "${c:+\`$c\`}"
    done
    if [[ ${#NOT_INSTALLED[@]} -gt 0 ]]; then
        echo
        echo "Not installed:"
        printf -- '- %s\n' "${NOT_INSTALLED[@]}"
    fi
} >"$SUMMARY"
cat "$SUMMARY"
log "summary written to $SUMMARY; raw timings and outputs in $OUT"
