//! `broken-fragment` and `missing-file` through the CLI, in temporary git repositories: the
//! repository's own GitHub URLs checked offline, `--changed-since` on a renamed heading, and
//! `--fix`.

use crate::support::{git, messages, rule_lines, survey_lint};
use std::path::Path;

/// Runs `check --offline --format json` on `args` in `dir`.
fn check_in(dir: &Path, args: &[&str]) -> serde_json::Value {
    let output = survey_lint()
        .args(["check", "--offline", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run survey-lint");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A repository on branch `main` whose `origin` is `https://github.com/acme/llm-survey.git`,
/// with `docs/models.md` and `assets/logo.png`, all committed.
fn github_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(
        d,
        &[
            "remote",
            "add",
            "origin",
            "https://github.com/acme/llm-survey.git",
        ],
    );
    write(d, "docs/models.md", "# Models\n\n## Open models\n");
    write(d, "assets/logo.png", "not really a PNG\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "files"]);
    dir
}

#[test]
fn the_repositorys_own_github_urls_are_checked_against_the_working_tree() {
    let dir = github_repository();
    let d = dir.path();
    let readme = "\
# Survey

- [models](https://github.com/acme/llm-survey/blob/main/docs/models.md)
- [gone](https://github.com/acme/llm-survey/blob/main/docs/datasets.md)
- [open](https://github.com/acme/llm-survey/blob/main/docs/models.md#open-models)
- [closed](https://github.com/acme/llm-survey/blob/main/docs/models.md#closed-models)
- [folder](https://github.com/ACME/LLM-Survey/tree/main/docs)
- ![logo](https://raw.githubusercontent.com/acme/llm-survey/main/assets/logo.png)
- ![icon](https://raw.githubusercontent.com/acme/llm-survey/refs/heads/main/assets/icon.png)
- [case](https://github.com/acme/llm-survey/blob/main/docs/Models.md)
- [a tag](https://github.com/acme/llm-survey/blob/v1.0/docs/datasets.md)
- [a commit](https://github.com/acme/llm-survey/blob/0123456789abcdef0123456789abcdef01234567/x.md)
- [another repository](https://github.com/acme/other/blob/main/docs/datasets.md)
- [issues](https://github.com/acme/llm-survey/issues/1)
- bare: www.github.com/acme/llm-survey/blob/main/docs/gone.md and https://github.com/acme/llm-survey/blob/main/assets/logo.png
";
    write(d, "README.md", readme);
    let json = check_in(d, &["README.md"]);
    let found: Vec<(String, u64)> = rule_lines(&json)
        .into_iter()
        .filter(|(rule, _)| rule == "missing-file" || rule == "broken-fragment")
        .collect();
    let expect = |rule: &str, line| (rule.to_string(), line);
    assert_eq!(
        found,
        [
            expect("missing-file", 4),
            expect("broken-fragment", 6),
            expect("missing-file", 9),
            expect("missing-file", 10),
            expect("missing-file", 15),
        ],
        "{json:#}"
    );
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let case = diagnostics
        .iter()
        .find(|d| d["line"] == 10)
        .expect("the case finding");
    assert_eq!(
        case["fix"]["edits"][0]["replacement"], "docs/models.md",
        "{case:#}"
    );
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("branch `main`")),
        "{:#}",
        diagnostics[0]
    );

    // On another branch, `main` is still the default branch: git has no `origin/HEAD` here, and
    // `main` is the only one of `main` and `master`.
    git(d, &["checkout", "-q", "-b", "feature"]);
    let json = check_in(d, &["README.md"]);
    let on_feature = rule_lines(&json)
        .into_iter()
        .filter(|(rule, _)| rule == "missing-file" || rule == "broken-fragment");
    assert_eq!(on_feature.collect::<Vec<_>>(), found, "{json:#}");
}

#[test]
fn without_a_github_origin_absolute_urls_are_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(
        d,
        &[
            "remote",
            "add",
            "origin",
            "https://gitlab.com/acme/llm-survey",
        ],
    );
    write(
        d,
        "README.md",
        "[gone](https://github.com/acme/llm-survey/blob/main/docs/datasets.md)\n",
    );
    assert_eq!(rule_lines(&check_in(d, &["README.md"])), []);
}

#[test]
fn files_across_the_repository_case_and_table_cells() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "docs/models.md", "# Models\n\n## 1.1 文本LLM模型\n");
    write(
        d,
        "docs/index.md",
        "\
| Model | Links |
|---|---|
| Baichuan | [card](models.md#11-文本llm模型), [old](models.md#1-文本llm模型), [top](/README.md) |
| Qwen | [card](Models.md), [data](../data/qwen.md) |
",
    );
    write(d, "README.md", "# Survey\n");
    write(d, "local-links.toml", "[rules]\nduplicate-link = \"off\"\n");
    let json = check_in(d, &["docs/index.md", "--config", "local-links.toml"]);
    assert_eq!(
        rule_lines(&json),
        [
            ("broken-fragment".to_string(), 3),
            ("missing-file".to_string(), 4),
            ("missing-file".to_string(), 4),
        ],
        "{json:#}"
    );
    let messages = messages(&json);
    assert_eq!(
        messages,
        [
            "`#1-文本llm模型` names no heading or anchor of `docs/models.md`",
            "`docs/Models.md` does not exist in the working tree",
            "`data/qwen.md` does not exist in the working tree",
        ]
    );
}

#[test]
fn html_paths_with_spaces_name_the_file_with_spaces() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "support os", "a file whose name holds a space\n");
    write(d, "docs/my logo.png", "not really a PNG\n");
    let readme = "\
<a href=\"support os\">os</a> <img src='docs/my logo.png'> <img src=\"docs/my\tlogo.png\">
<a href=\"support linux\">linux</a> <img src='docs/our logo.png'>
";
    write(d, "README.md", readme);
    let json = check_in(d, &["README.md"]);
    assert_eq!(
        rule_lines(&json),
        [
            ("missing-file".to_string(), 1),
            ("missing-file".to_string(), 2),
            ("missing-file".to_string(), 2),
        ],
        "{json:#}"
    );
    let messages = messages(&json);
    // A browser drops the tab: `docs/mylogo.png`.
    assert_eq!(
        messages,
        [
            "`docs/mylogo.png` does not exist in the working tree",
            "`support linux` does not exist in the working tree",
            "`docs/our logo.png` does not exist in the working tree",
        ]
    );
}

#[test]
fn fix_repairs_a_name_in_the_wrong_case_and_a_fragment_with_one_close_anchor() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "docs/guide.md", "# Guide\n");
    let readme = "# Survey\n\n- [guide](docs/Guide.md)\n- [evaluation](#evalutaion)\n- [data](#dataset-c)\n\n## Evaluation\n\n## Dataset A\n\n## Dataset B\n";
    write(d, "README.md", readme);
    let output = survey_lint()
        .args([
            "check",
            "--offline",
            "--fix",
            "--format",
            "json",
            "README.md",
        ])
        .current_dir(d)
        .output()
        .expect("run survey-lint");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let fixed = std::fs::read_to_string(d.join("README.md")).expect("read");
    assert_eq!(
        fixed,
        readme
            .replace("docs/Guide.md", "docs/guide.md")
            .replace("#evalutaion", "#evaluation")
    );
    // Two anchors are as close to `#dataset-c`: no fix, but the finding stays.
    assert_eq!(
        rule_lines(&json),
        [("broken-fragment".to_string(), 5)],
        "{json:#}"
    );
}

#[test]
fn changed_since_reports_links_broken_by_a_renamed_heading() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let old = "\
# Survey

- [models](#1-模型)
- [datasets](#2-数据集)
- [old and broken](#nothing)
- [guide](docs/guide.md#install)

## 1. 模型

## 2. 数据集
";
    write(d, "README.md", old);
    write(d, "docs/guide.md", "# Guide\n\n## Install\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "survey"]);
    // The change: a heading renamed, a new broken link, and a heading of another file renamed.
    let new = old
        .replace("## 2. 数据集", "## 2. 训练数据集")
        .replace("- [models]", "- [new and broken](#3-评测)\n- [models]");
    write(d, "README.md", &new);
    write(d, "docs/guide.md", "# Guide\n\n## Installation\n");
    let json = check_in(d, &["--changed-since", "HEAD", "README.md"]);
    assert_eq!(
        rule_lines(&json),
        [
            ("broken-fragment".to_string(), 3),
            ("broken-fragment".to_string(), 5),
            ("broken-fragment".to_string(), 7),
        ],
        "{json:#}"
    );
    let messages = messages(&json);
    assert!(
        messages[1].ends_with("though it did before the change"),
        "{messages:?}"
    );
    // Without --changed-since, the old broken link is reported as well.
    assert_eq!(rule_lines(&check_in(d, &["README.md"])).len(), 4);
}
