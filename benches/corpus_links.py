#!/usr/bin/env python3
"""broken-fragment and missing-file over a corpus of real surveys, in two layouts.

    benches/corpus_links.py BIN CORPUS_DIR [CLONES_DIR] > report.md

CORPUS_DIR holds `OWNER__REPO__PATH` files and an INDEX.md whose summary table names each
file's repository, path and commit (the layout of ../shared/corpus and tests/corpus-unseen); a
file the table does not name is checked alone, in a repository without `origin`.
Each file is checked with `BIN check --offline --format json`:

- alone: the file as its repository's README.md, with no other file, in a fresh git repository
  whose `origin` is the file's GitHub repository (so its own GitHub URLs are checked too, against
  this one file). Every fragment of the document itself is checked; links to other files are
  `missing-file` findings by construction.
- tree: when CLONES_DIR has a clone of the repository (`OWNER+REPO/repo`, a git directory) that
  holds the commit, the repository laid out as it was at that commit: its Markdown files with
  their text, every other file as an empty file of the same name (only names matter to
  `missing-file`), the file at its own path. Then `missing-file` reports only links to files
  the repository really lacked, and `broken-fragment` also checks `file.md#anchor` links.

Prints a Markdown table of counts per file and every finding of the two rules, to be read.
Network: none. The only processes run are BIN and git.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

RULES = ("broken-fragment", "missing-file")


def index_rows(corpus):
    """(file, owner/repo, path, commit) of each file named in INDEX.md's summary table."""
    rows = []
    with open(os.path.join(corpus, "INDEX.md"), encoding="utf-8") as index:
        for line in index:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 4 or not cells[0].endswith(".md") or "/" not in cells[1]:
                continue
            commit = cells[3] if re.fullmatch(r"[0-9a-f]{40}", cells[3]) else None
            rows.append((cells[0], cells[1], cells[2], commit))
    named = {row[0] for row in rows}
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".md") and name != "INDEX.md" and name not in named:
            rows.append((name, None, name, None))
    return rows


def git(cwd, *args, stdin=None):
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        check=True,
    ).stdout


def new_repository(folder, repo, branch):
    git(folder, "init", "-q", "-b", branch)
    if repo:
        git(folder, "remote", "add", "origin", f"https://github.com/{repo}.git")


def default_branch(clone):
    if clone is None:
        return "main"
    try:
        return git(clone, "symbolic-ref", "--short", "HEAD").decode().strip() or "main"
    except subprocess.CalledProcessError:
        return "main"


def lay_out_tree(clone, commit, folder):
    """The tree of `commit`: Markdown files with their text, other files empty."""
    listing = git(clone, "ls-tree", "-r", "-z", commit)
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, blob = meta.split()
        if kind != b"blob":
            continue
        target = os.path.join(folder, os.fsdecode(path))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        text = b""
        if path.lower().endswith((b".md", b".markdown")):
            try:
                text = git(clone, "cat-file", "blob", blob.decode())
            except subprocess.CalledProcessError:
                text = b""
        with open(target, "wb") as out:
            out.write(text)


def cell(text):
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def findings(binary, folder, path):
    result = subprocess.run(
        [binary, "check", "--offline", "--format", "json", path],
        cwd=folder,
        capture_output=True,
    )
    report = json.loads(result.stdout)
    return [d for d in report["diagnostics"] if d["rule"] in RULES]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    corpus = sys.argv[2]
    clones = sys.argv[3] if len(sys.argv) > 3 else None
    table = []
    details = []
    with tempfile.TemporaryDirectory() as work:
        for number, (name, repo, path, commit) in enumerate(index_rows(corpus)):
            clone = None
            if clones and repo:
                candidate = os.path.join(clones, repo.replace("/", "+"), "repo")
                clone = candidate if os.path.isdir(candidate) else None
            branch = default_branch(clone)
            with open(os.path.join(corpus, name), "rb") as f:
                text = f.read()

            alone = os.path.join(work, f"alone-{number}")
            os.makedirs(alone)
            new_repository(alone, repo, branch)
            with open(os.path.join(alone, "README.md"), "wb") as out:
                out.write(text)
            found_alone = findings(binary, alone, "README.md")

            found_tree = None
            if clone and commit:
                tree = os.path.join(work, f"tree-{number}")
                os.makedirs(tree)
                try:
                    lay_out_tree(clone, commit, tree)
                    with open(os.path.join(tree, path), "wb") as out:
                        out.write(text)
                    new_repository(tree, repo, branch)
                    found_tree = findings(binary, tree, path)
                except subprocess.CalledProcessError:
                    found_tree = None

            def count(found, rule):
                if found is None:
                    return "–"
                return str(sum(1 for d in found if d["rule"] == rule))

            table.append(
                f"| {name} | {count(found_alone, 'broken-fragment')} "
                f"| {count(found_alone, 'missing-file')} "
                f"| {count(found_tree, 'broken-fragment')} "
                f"| {count(found_tree, 'missing-file')} |"
            )
            for layout, found in (("alone", found_alone), ("tree", found_tree)):
                for d in found or []:
                    message = cell(d["message"])
                    help_text = cell(d["help"] or "")
                    fix = "yes" if d["fix"] else ""
                    details.append(
                        f"| {name} | {layout} | {d['line']} | {d['rule']} | "
                        f"{message} | {help_text} | {fix} |"
                    )
    print("| file | broken-fragment (alone) | missing-file (alone) "
          "| broken-fragment (tree) | missing-file (tree) |")
    print("|---|---:|---:|---:|---:|")
    print("\n".join(table))
    print()
    print("| file | layout | line | rule | message | help | fix |")
    print("|---|---|---:|---|---|---|---|")
    print("\n".join(details))


if __name__ == "__main__":
    main()
