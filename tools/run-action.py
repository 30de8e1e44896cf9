#!/usr/bin/env python3
"""Runs the `run:` steps of action.yml locally, as GitHub Actions would run them: `${{ … }}`
expressions substituted (inputs, runner, github, steps' outputs), each step in
`bash --noprofile --norc -eo pipefail`, with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the
step's `env:`, and its outputs read back for the later steps. `uses:` steps are listed, not run.

    python3 tools/run-action.py --workdir SURVEY_REPO --input args=--offline --input sarif=true
    python3 tools/run-action.py ... --binary target/release/survey-lint

With --binary, the step that runs `cargo install` copies that binary into place instead of
compiling (the rest is unchanged). Prints each step's script as run, its output, the action's
outputs and the job summary written. Steps after a failed one run only if their `if:` says
`always()`. Exits with the status of the first step that failed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def lookup(expression, context):
    """The value of a dotted name (`inputs.args`, `steps.check.outputs.exit-code`)."""
    value = context
    for part in expression.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(expression)
        value = value[part]
    return value


def substitute(text, context):
    def one(match):
        expression = match.group(1)
        if not re.fullmatch(r"[A-Za-z_][\w-]*(\.[\w-]+)*", expression):
            raise SystemExit(f"cannot evaluate `{expression}` in a run step")
        return str(lookup(expression, context))

    return EXPRESSION.sub(one, text)


def read_outputs(path):
    outputs = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and "=" not in line.split("<<")[0]:
            name, delimiter = line.split("<<", 1)
            value = []
            i += 1
            while i < len(lines) and lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        i += 1
    return outputs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--action", default=os.path.join(os.path.dirname(__file__), "..", "action.yml"))
    parser.add_argument("--workdir", default=".", help="the checked-out repository the action runs in")
    parser.add_argument("--input", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--binary", help="copy this survey-lint instead of `cargo install`")
    args = parser.parse_args()

    action_path = os.path.abspath(args.action)
    action = yaml.safe_load(open(action_path, encoding="utf-8"))
    inputs = {name: str(spec.get("default", "")) for name, spec in action.get("inputs", {}).items()}
    for given in args.input:
        name, value = given.split("=", 1)
        if name not in inputs:
            raise SystemExit(f"the action has no input `{name}`")
        inputs[name] = value
    temp = tempfile.mkdtemp(prefix="survey-lint-action-")
    summary = os.path.join(temp, "step-summary.md")
    open(summary, "w").close()
    context = {
        "inputs": inputs,
        "runner": {"temp": temp, "os": "Linux"},
        "github": {"action_path": os.path.dirname(action_path), "run_id": "1", "workspace": os.path.abspath(args.workdir)},
        "steps": {},
    }
    print(f"inputs: {inputs}")
    status = 0
    for number, step in enumerate(action["runs"]["steps"], 1):
        name = step.get("name", f"step {number}")
        if status != 0 and "always()" not in str(step.get("if", "")):
            print(f"\n== {name}: skipped, a step before it failed")
            continue
        if "uses" in step:
            print(f"\n== {name}: uses {step['uses']} (not run locally)")
            continue
        script = substitute(step["run"], context)
        if args.binary and "cargo install" in script:
            bin_dir = os.path.join(temp, "survey-lint", "bin")
            os.makedirs(bin_dir, exist_ok=True)
            shutil.copy(args.binary, os.path.join(bin_dir, "survey-lint"))
            print(f"\n== {name}: replaced by a copy of {args.binary} (--binary)")
            continue
        output_file = os.path.join(temp, f"output-{number}")
        open(output_file, "w").close()
        env = dict(os.environ)
        env.update({k: substitute(str(v), context) for k, v in (step.get("env") or {}).items()})
        env.update({"GITHUB_OUTPUT": output_file, "GITHUB_STEP_SUMMARY": summary, "RUNNER_TEMP": temp})
        print(f"\n== {name}\n--- script as run:\n{script.rstrip()}\n--- output:", flush=True)
        status = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=args.workdir, env=env
        ).returncode
        outputs = read_outputs(output_file)
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": outputs}
        print(f"--- exit status {status}; outputs {outputs}")
    outputs = {}
    for name, spec in action.get("outputs", {}).items():
        try:
            outputs[name] = substitute(spec["value"], context)
        except KeyError:
            outputs[name] = ""
    print(f"\naction outputs: {outputs}")
    for written in sorted(os.listdir(temp)):
        path = os.path.join(temp, written)
        if os.path.isfile(path):
            print(f"written: {written} ({os.path.getsize(path)} bytes)")
    text = open(summary, encoding="utf-8").read()
    print(f"job summary: {len(text.encode())} bytes in {summary}")
    print(text[:2000] + ("\n[…]" if len(text) > 2000 else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
