#!/usr/bin/env bash
# The arXiv and Hugging Face API figures: the arXiv and Hugging Face URLs of a set of surveys,
# settled through the export API and the Hub's API pointed at the loopback mock
# (benches/paper_hub_mock.rs), cold and then warm.
#
#   benches/paper_hub_api.sh [SURVEY.md ...]                       (default: ../shared/corpus/*.md)
#   BENCH_TITLES=recorded-titles.json benches/paper_hub_api.sh     (also: mismatched-paper)
#
# It builds survey-lint and paper-hub-mock (release), lists the URLs with `survey-lint links
# --format json`, keeps those an API settles ("api": "arxiv" | "huggingface"), writes them into
# one survey, starts the mock (every paper and repository exists but for a few missing, withdrawn,
# hidden and renamed ones), runs `check --format json` with [links.api] at the mock, cold and
# then warm (same cache folder), and prints per API: URLs, distinct papers / repositories,
# requests (arXiv target: ceil(papers / 100)), the least time between two arXiv requests
# (bound: 3 s), the wall times, and the findings by rule and `via`.
#
# With BENCH_TITLES (JSON: {"ID": {"title": "..."}}), it then checks the surveys themselves
# against a mock that answers those papers with the recorded titles (and no other), every link
# that no API settles excluded, and prints every mismatched-paper finding. Network: loopback only.

set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then surveys=("$@"); else surveys=(../shared/corpus/*.md); fi

cargo build --release --quiet --bin survey-lint --example paper-hub-mock
bin=target/release/survey-lint
mock=target/release/examples/paper-hub-mock
work=$(mktemp -d)
if [ -z "${BENCH_KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "work folder: $work"; fi

"$bin" links --format json "${surveys[@]}" >"$work/links.json"
python3 - "$work" <<'PY'
import json, sys, math, re, urllib.parse
work = sys.argv[1]
records = json.load(open(f"{work}/links.json"))
arxiv = sorted({r["url"] for r in records if r.get("api") == "arxiv"})
hub = sorted({r["url"] for r in records if r.get("api") == "huggingface"})
host = lambda u: (urllib.parse.urlsplit(u).hostname or "").lower()
all_arxiv = {r["url"] for r in records if host(r["url"]).endswith("arxiv.org")}
all_hub = {r["url"] for r in records if host(r["url"]) == "huggingface.co"}
ids = set()
for u in arxiv:
    m = re.search(r"/(?:abs|pdf|html)/(.+?)(?:v\d+)?(?:\.pdf)?/?$", urllib.parse.urlsplit(u).path)
    if m:
        ids.add(m.group(1))
repos = set()
for u in hub:
    p = urllib.parse.urlsplit(u).path.strip("/").split("/")
    if p[0] in ("datasets", "spaces"):
        kind, rest = p[0], p[1:]
    else:
        kind, rest = "models", p
    name = rest[0] if kind == "datasets" and (len(rest) == 1 or rest[1] in ("tree", "blob", "resolve")) else "/".join(rest[:2])
    repos.add((kind, name.lower()))
with open(f"{work}/survey.md", "w") as f:
    f.write("# Papers and weights\n\n" + "\n".join(f"- {u}" for u in arxiv + hub) + "\n")
# Links no API settles, excluded when the surveys themselves are checked (no page requests).
others = sorted({r["url"] for r in records if r.get("api") not in ("arxiv", "huggingface")})
patterns = ["^(?:" + "|".join(re.escape(u) for u in others[i:i + 40]) + ")$"
            for i in range(0, len(others), 40)]
json.dump({"arxiv_urls": len(all_arxiv), "arxiv_api_urls": len(arxiv), "papers": len(ids),
           "hub_urls": len(all_hub), "hub_api_urls": len(hub), "repos": len(repos),
           "target": math.ceil(len(ids) / 100), "exclude": patterns},
          open(f"{work}/counts.json", "w"))
PY

start_mock() { # $@: mock arguments; sets port
    coproc MOCK { "$mock" "$@" 2>/dev/null; }
    read -r _ port <&"${MOCK[0]}"
}
stop_mock() {
    eval "exec ${MOCK[1]}>&-"
    wait "$MOCK_PID" || true
}
stats() { python3 -c "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:$port/__stats').read().decode())"; }
write_config() { # $1: file, $2: extra [links] lines
    cat >"$1" <<TOML
[links]
allow_private = ["127.0.0.1"]
cache_dir = "$work/cache"
$2
[links.api]
arxiv = "http://127.0.0.1:$port/api/query"
huggingface = "http://127.0.0.1:$port"
TOML
}
run() { # $1: label, $2: config, rest: files
    local label=$1 config=$2 start end
    shift 2
    start=$(date +%s.%N)
    "$bin" check --config "$config" --format json "$@" >"$work/check-$label.json" 2>"$work/stderr-$label.txt" || true
    end=$(date +%s.%N)
    echo "$end - $start" | bc >"$work/seconds-$label.txt"
    stats >"$work/mock-$label.json"
}

mkdir -p "$work/cache"
start_mock --missing-paper 2305.11206 --withdrawn 2303.17564 \
    --renamed datasets/bookcorpus=bookcorpus/bookcorpus \
    --hidden models/IDEA-CCNL/Ziya-LLaMA-13B-v1
write_config "$work/survey-lint.toml" ""
run cold "$work/survey-lint.toml" "$work/survey.md"
run warm "$work/survey-lint.toml" "$work/survey.md"
stop_mock

python3 - "$work" <<'PY'
import json, sys, collections
work = sys.argv[1]
c = json.load(open(f"{work}/counts.json"))
print(f"arXiv URLs (unique):           {c['arxiv_urls']}, of which the export API settles {c['arxiv_api_urls']}")
print(f"  distinct papers:             {c['papers']} (target: <= {c['target']} requests, >= 3 s apart)")
print(f"Hugging Face URLs (unique):    {c['hub_urls']}, of which the Hub API settles {c['hub_api_urls']}")
print(f"  distinct repositories:       {c['repos']}")
before = {"arxiv": {"requests": 0, "ids": [], "gaps_ms": []}, "hf": {"requests": 0}}
for label in ("cold", "warm"):
    total = json.load(open(f"{work}/mock-{label}.json"))
    arxiv_requests = total["arxiv"]["requests"] - before["arxiv"]["requests"]
    sizes = total["arxiv"]["ids"][len(before["arxiv"]["ids"]):]
    gaps = total["arxiv"]["gaps_ms"][len(before["arxiv"]["gaps_ms"]):]
    hf = total["hf"]["requests"] - before["hf"]["requests"]
    before = total
    seconds = float(open(f"{work}/seconds-{label}.txt").read())
    check = json.load(open(f"{work}/check-{label}.json"))
    found = collections.Counter((d["rule"], d.get("via", "-")) for d in check["diagnostics"])
    least = f", least gap {min(gaps) / 1000:.2f} s" if gaps else ""
    print(f"{label}: arXiv requests {arxiv_requests} {sizes}{least}; Hub requests {hf}; wall {seconds:.2f} s")
    for (rule, via), n in sorted(found.items()):
        print(f"    {n:4} {rule} via {via}")
PY

if [ -n "${BENCH_TITLES:-}" ]; then
    rm -rf "$work/cache"
    mkdir -p "$work/cache"
    start_mock --titles "$BENCH_TITLES"
    exclude=$(python3 -c "import json,sys; print('exclude = ' + json.dumps(json.load(open(sys.argv[1]))['exclude'], ensure_ascii=False))" "$work/counts.json")
    write_config "$work/titles.toml" "$exclude"
    run titles "$work/titles.toml" "${surveys[@]}"
    stop_mock
    "$bin" extract --format json "${surveys[@]}" >"$work/extract.json"
    python3 - "$work" "$BENCH_TITLES" <<'PY'
import json, re, sys
work, titles = sys.argv[1], sys.argv[2]
recorded = json.load(open(titles))
paper = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.I)
in_tables, with_title, ids = 0, 0, set()
for row in json.load(open(f"{work}/extract.json")):
    for cell in row["fields"].values():
        for m in paper.finditer(cell or ""):
            in_tables += 1
            ids.add(m.group(1))
            with_title += m.group(1) in recorded
check = json.load(open(f"{work}/check-titles.json"))
found = [d for d in check["diagnostics"] if d["rule"] == "mismatched-paper"]
print(f"arXiv links in table cells: {in_tables} ({len(ids)} papers); with a recorded title: "
      f"{with_title} ({len(ids & set(recorded))} papers)")
print(f"mismatched-paper findings: {len(found)}")
for d in found:
    print(f"  {d['path']}:{d['line']}: {d['message']}")
PY
fi
