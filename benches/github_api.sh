#!/usr/bin/env bash
# The GitHub API figure: the unique github.com URLs of a set of surveys, settled through the
# GraphQL API pointed at the loopback mock (benches/github_mock.rs), against the requests a
# page check would make.
#
#   benches/github_api.sh [SURVEY.md ...]     (default: ../shared/corpus/*.md)
#
# It builds survey-lint and github-mock (release), lists the URLs with `survey-lint links
# --format json`, keeps those the API settles ("api": "github"), writes them into one survey,
# starts the mock (every repository exists except a few renamed / archived / missing ones),
# runs `check --format json` with GITHUB_TOKEN set and [links.api] github at the mock, cold
# and then warm (same cache folder), and prints: distinct repositories, GraphQL requests
# (target <= ceil(repositories / 100) + 2), the page requests a check without a token would
# make at the least (one HEAD per unique URL without its fragment), the wall times, and the
# findings by rule and `via`. Network: loopback only.

set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then surveys=("$@"); else surveys=(../shared/corpus/*.md); fi

cargo build --release --quiet --bin survey-lint --example github-mock
bin=target/release/survey-lint
mock=target/release/examples/github-mock
work=$(mktemp -d)
if [ -z "${BENCH_KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "work folder: $work"; fi

"$bin" links --format json "${surveys[@]}" >"$work/links.json"
python3 - "$work" <<'PY'
import json, sys, math, urllib.parse
work = sys.argv[1]
records = json.load(open(f"{work}/links.json"))
urls = sorted({r["url"] for r in records if r.get("api") == "github"})
github = sorted({r["url"] for r in records
                 if urllib.parse.urlsplit(r["url"]).hostname in ("github.com", "www.github.com")})
repos = set()
for u in urls:
    parts = urllib.parse.urlsplit(u).path.strip("/").split("/")
    name = parts[1][:-4] if len(parts) > 1 and parts[1].lower().endswith(".git") else (parts[1] if len(parts) > 1 else "")
    repos.add((parts[0].lower(), name.lower()))
pages = {urllib.parse.urldefrag(u)[0] for u in github}
with open(f"{work}/survey.md", "w") as f:
    f.write("# GitHub links\n\n" + "\n".join(f"- {u}" for u in urls) + "\n")
json.dump({"github_urls": len(github), "api_urls": len(urls), "repositories": len(repos),
           "page_requests": len(pages), "target": math.ceil(len(repos) / 100) + 2},
          open(f"{work}/counts.json", "w"))
PY

mkdir -p "$work/cache"
coproc MOCK { "$mock" --renamed THUDM/ChatGLM-6B=zai-org/ChatGLM-6B \
    --renamed lm-sys/FastChat=lmsys-org/FastChat \
    --archived tatsu-lab/stanford_alpaca --archived nomic-ai/gpt4all \
    --missing OpenLMLab/MOSS --missing ymcui/Chinese-LLaMA-Alpaca 2>/dev/null; }
read -r _ port <&"${MOCK[0]}"
cat >"$work/survey-lint.toml" <<TOML
[links]
allow_private = ["127.0.0.1"]
cache_dir = "$work/cache"
[links.api]
github = "http://127.0.0.1:$port"
TOML
stats() { python3 -c "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:$port/__stats').read().decode())"; }
run() { # $1: label
    local start end
    start=$(date +%s.%N)
    GITHUB_TOKEN=mock-token "$bin" check --config "$work/survey-lint.toml" --format json \
        "$work/survey.md" >"$work/check-$1.json" 2>"$work/stderr-$1.txt" || true
    end=$(date +%s.%N)
    echo "$end - $start" | bc >"$work/seconds-$1.txt"
    stats >"$work/mock-$1.json"
}
run cold
run warm
eval "exec ${MOCK[1]}>&-"
wait "$MOCK_PID" || true

python3 - "$work" <<'PY'
import json, sys, collections
work = sys.argv[1]
counts = json.load(open(f"{work}/counts.json"))
print(f"surveys' github.com URLs (unique):        {counts['github_urls']}")
print(f"  of which the API settles:               {counts['api_urls']}")
print(f"  distinct repositories and owners:       {counts['repositories']}")
print(f"page requests without a token (at least): {counts['page_requests']} (one HEAD per unique URL, fragment dropped)")
before = {"requests": 0, "repositories": 0, "per_request": []}
for label in ("cold", "warm"):
    total = json.load(open(f"{work}/mock-{label}.json"))
    mock = {"requests": total["requests"] - before["requests"],
            "repositories": total["repositories"] - before["repositories"],
            "per_request": total["per_request"][len(before["per_request"]):]}
    before = total
    seconds = float(open(f"{work}/seconds-{label}.txt").read())
    check = json.load(open(f"{work}/check-{label}.json"))
    found = collections.Counter((d["rule"], d.get("via", "-")) for d in check["diagnostics"])
    print(f"{label}: GraphQL requests {mock['requests']} (target <= {counts['target']}), "
          f"repository lookups {mock['repositories']} {mock['per_request']}, wall {seconds:.2f} s")
    for (rule, via), n in sorted(found.items()):
        print(f"    {n:4} {rule} via {via}")
PY
