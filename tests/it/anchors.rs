//! Heading ids as GitHub makes them, on real headings of the corpus surveys.
//!
//! Each expected id below was written by hand from GitHub's rules (github-slugger's): lower
//! case; every character dropped but letters and marks of any script, decimal digits, `_`, `-`
//! and the space; each space turned into `-`; a repeated id gets `-1`, `-2`. Where the survey's
//! own table of contents links the heading, that link (written by its authors against GitHub's
//! rendering) is cited too, and agrees.

use survey_lint::document::Document;

/// (heading as written, its id, where it comes from and which rule it shows).
const TABLE: &[(&str, &str, &str)] = &[
    (
        "###  1. <a name='模型'></a>模型",
        "1-模型",
        "HqWu-HITCS/Awesome-Chinese-LLM README.md:78 (TOC :47 links #1-模型): CJK kept, `.` dropped, an inline tag is no text",
    ),
    (
        "#### 1.1 文本LLM模型",
        "11-文本llm模型",
        "HqWu-HITCS/Awesome-Chinese-LLM README.md:80 (TOC :48 links #11-文本llm模型): `1.1` loses its dot, Latin lower-cased inside CJK",
    ),
    (
        "#### 2.2 LangChain应用",
        "22-langchain应用",
        "HqWu-HITCS/Awesome-Chinese-LLM README.md:552 (TOC :60 links #22-langchain应用)",
    ),
    (
        "## ✨ Latest News",
        "-latest-news",
        "FreedomIntelligence/LLMZoo README.md:9: the emoji is dropped, the space after it is not",
    ),
    (
        "### Potential Overlaps ⚠️",
        "potential-overlaps-\u{fe0f}",
        "Project-Hierion/LLMDataHub DATASETS.md:150 (TOC :25 links #potential-overlaps-%EF%B8%8F): ⚠ (a symbol) is dropped, U+FE0F after it (a mark) stays",
    ),
    (
        "## Private Datasets 🔴",
        "private-datasets-",
        "Project-Hierion/LLMDataHub DATASETS.md:216 (its TOC :29 links #private-datasets, a broken link): a trailing emoji leaves a trailing `-`",
    ),
    (
        "## Multimodal Instruction Tuning (& Latest Works)",
        "multimodal-instruction-tuning--latest-works",
        "BradyFU/Awesome-Multimodal-Large-Language-Models README.md:84 (TOC :63 links it): `(`, `&`, `)` dropped, both spaces around `&` stay",
    ),
    (
        "# Awesome-LLM [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)",
        "awesome-llm-",
        "Hannibal046/Awesome-LLM README.md:2: an image's description is no text of the heading",
    ),
    (
        "## LLM Evaluation:",
        "llm-evaluation",
        "Hannibal046/Awesome-LLM README.md:400",
    ),
    (
        "## 一、自主模型篇",
        "一自主模型篇",
        "chenking2020/FindTheChatGPTer README.md:8: the ideographic comma 、 is punctuation",
    ),
    (
        "### MOSS （更新于2023年4月21日）",
        "moss-更新于2023年4月21日",
        "chenking2020/FindTheChatGPTer README.md:75: full-width parentheses （） are punctuation",
    ),
    (
        "### 悟道·天鹰 （更新于2023年6月12日）",
        "悟道天鹰-更新于2023年6月12日",
        "chenking2020/FindTheChatGPTer README.md:93: the middle dot · is punctuation",
    ),
    (
        "### Dolly2.0   （更新于2023年4月13日）",
        "dolly20---更新于2023年4月13日",
        "chenking2020/FindTheChatGPTer README.md:272: every space of a run becomes `-`",
    ),
    (
        "### 华驼(HuaTuo) （更新于2023年4月30日）",
        "华驼huatuo-更新于2023年4月30日",
        "chenking2020/FindTheChatGPTer README.md:336",
    ),
    (
        "#### 能力2：AI agent（智能体）能力",
        "能力2ai-agent智能体能力",
        "tests/corpus-unseen CLUEbenchmark/SuperCLUE README.md:206: the full-width colon ： is punctuation",
    ),
    (
        "####   能力10：安全",
        "能力10安全",
        "tests/corpus-unseen CLUEbenchmark/SuperCLUE README.md:280: the spaces after `####` are not the heading's",
    ),
    (
        "### 🐙 Awesome Code Benchmark & Evaluation Papers",
        "-awesome-code-benchmark--evaluation-papers",
        "tests/corpus-unseen huybery/Awesome-Code-LLM README.md:174 (TOC :44 links it)",
    ),
];

#[test]
fn real_headings_get_the_ids_github_gives_them() {
    let mut wrong = Vec::new();
    for (heading, expected, from) in TABLE {
        let doc = Document::parse(heading);
        let anchors = doc.anchors();
        let ids: Vec<&str> = anchors
            .list
            .iter()
            .filter(|a| a.kind == survey_lint::document::AnchorKind::Heading)
            .map(|a| a.id.as_str())
            .collect();
        if ids != [*expected] {
            wrong.push(format!(
                "{heading:?}: {ids:?}, expected {expected:?} ({from})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// BradyFU/Awesome-Multimodal-Large-Language-Models README.md has `## Others` at :581 and :745
/// (its TOC :79 links the second as #others-1); jianzhnie/awesome-instruction-datasets
/// README.md has `## Statistics` at :100 and :155 (TOC :18 and :20: #statistics,
/// #statistics-1).
#[test]
fn repeated_headings_are_numbered() {
    let doc = Document::parse("## Others\n\ntext\n\n## Statistics\n\n## Others\n\n## Statistics\n");
    let ids: Vec<String> = doc.anchors().list.into_iter().map(|a| a.id).collect();
    assert_eq!(ids, ["others", "statistics", "others-1", "statistics-1"]);
}

/// The links of the tables of contents cited above find their headings (the fragments as the
/// surveys write them, percent-escapes decoded).
#[test]
fn the_tables_of_contents_cited_resolve() {
    let toc = "###  1. <a name='模型'></a>模型\n#### 1.1 文本LLM模型\n### Potential Overlaps ⚠️\n## Multimodal Instruction Tuning (& Latest Works)\n";
    let doc = Document::parse(toc);
    let anchors = doc.anchors();
    for fragment in [
        "1-模型",
        "模型",
        "11-文本llm模型",
        "potential-overlaps-\u{fe0f}",
        "multimodal-instruction-tuning--latest-works",
    ] {
        assert!(anchors.get(fragment).is_some(), "{fragment}");
    }
}
