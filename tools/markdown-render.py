#!/usr/bin/env python3
"""Renders a `--format markdown` report with cmark-gfm (GitHub's renderer, through the
`cmarkgfm` package) and checks what a reader of the job summary gets: one table per file with
findings, each finding's line a link to that file at that line, matching the JSON report.

    survey-lint check --offline --format markdown --output json=report.json FILES > report.md
    python tools/markdown-render.py report.md report.json

GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA must have been set for the run (the links
are built from them). Exits 1 and says why when a check fails.
"""
import html.parser
import importlib.metadata
import json
import re
import sys

import cmarkgfm
from cmarkgfm.cmark import Options


class Tables(html.parser.HTMLParser):
    """Collects h3 headings and, per table, the rows as (cell texts, first-cell hrefs)."""

    def __init__(self):
        super().__init__()
        self.tables, self.headings = [], []
        self.row = self.cell = self.heading = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = ([], [])
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "h3":
            self.heading = ""
        elif tag == "a" and self.row is not None and self.cell is not None and not self.row[0]:
            self.row[1].append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag == "tr":
            self.tables[-1].append(self.row)
            self.row = None
        elif tag in ("td", "th"):
            self.row[0].append(self.cell.strip())
            self.cell = None
        elif tag == "h3":
            self.headings.append(self.heading.strip())
            self.heading = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.heading is not None:
            self.heading += data


def main(markdown_path, json_path):
    markdown = open(markdown_path, encoding="utf-8").read()
    report = json.load(open(json_path, encoding="utf-8"))
    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parser = Tables()
    parser.feed(rendered)
    paths = list(dict.fromkeys(d["path"] for d in report["diagnostics"]))
    failures = []
    if len(parser.tables) != len(paths):
        failures.append(f"{len(parser.tables)} tables for {len(paths)} files with findings")
    for table, path in zip(parser.tables, paths):
        if path not in parser.headings:
            failures.append(f"no heading names {path}")
        expected = [d for d in report["diagnostics"] if d["path"] == path]
        rows = table[1:]
        if len(rows) != len(expected):
            failures.append(f"{path}: {len(rows)} rows for {len(expected)} findings")
        for (cells, hrefs), d in zip(rows, expected):
            line = d["line"]
            pattern = re.escape(f"/blob/") + r"[0-9a-f]{7,40}/" + re.escape(path) + rf"#L{line}(-L\d+)?$"
            if cells[0] != str(line) or len(hrefs) != 1 or not re.search(pattern, hrefs[0] or ""):
                failures.append(f"{path}:{line}: line cell {cells[0]!r} links to {hrefs}")
            if cells[2] != f"{d['code']} {d['rule']}":
                failures.append(f"{path}:{line}: rule cell {cells[2]!r}")
    links = sum(len(h) for t in parser.tables for _, h in t[1:])
    print(f"cmarkgfm {importlib.metadata.version('cmarkgfm')}")
    print(f"{len(markdown.encode())} bytes of Markdown -> {len(rendered.encode())} bytes of HTML")
    print(f"{len(parser.tables)} tables for {len(paths)} files with findings: {parser.headings}")
    print(f"{sum(len(t) - 1 for t in parser.tables)} finding rows, {links} line links")
    for failure in failures:
        print("FAIL:", failure)
    print("ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
