//! Deterministic synthetic surveys, shaped like `corpus/open-llm-survey.md` and the real
//! surveys beside it: a Chinese table (with labelled compute sub-fields, bare URLs, text run
//! into URLs, glued URLs) and an English table (links, parameter counts, licences), with a few
//! duplicate and empty rows. The same arguments always give the same bytes.
//!
//! ```sh
//! cargo run --release --example gen-survey -- --bytes 16M > survey-16mb.md
//! cargo run --release --example gen-survey -- --rows 50000 --seed 7 > survey.md
//! cargo run --release --example gen-survey -- --bytes 16M --csv > survey-16mb.csv
//! ```

use std::fmt::Write as _;
use std::io::Write as _;

const ACCELERATORS: &[&str] = &[
    "A100",
    "A800",
    "H100",
    "V100",
    "RTX 4090",
    "TPU v4",
    "Ascend 910",
];
const UNITS: &[&str] = &["小时", "天", "h", "days", "周"];
const ARCHS: &[&str] = &[
    "Transformer+Pre-Normalization+SwiGLU Activation+Rotary Positional Embedding",
    "同LLaMa",
    "GLM（Transformer+LayerNorm&Residual Rearrange+GeLU ）",
    "BLOOM（Megatron-LM+ALiBi Position Embedding+Embedding LN）",
    "Decoder-only MoE",
];
const FRAMEWORKS: &[&str] = &[
    "torch+fairscale",
    "torch+deepspeed+flash_att",
    "jax+t5x",
    "torch+LoRA",
];
const LICENSES: &[&str] = &["Apache-2.0", "MIT", "Llama 2", "CC-BY-NC-4.0", "RAIL"];

/// A survey of at least `target_bytes` (or exactly `rows` rows per table pair).
pub struct Generator {
    rng: fastrand::Rng,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.usize(..items.len())]
    }

    /// One Chinese row, like the seed's: name, architecture, sizes, framework, labelled
    /// sub-fields, open-source flag, links. About 1 row in 200 has a defect.
    fn chinese_row(&mut self, i: usize, out: &mut String) {
        let name = format!("Model-{i}");
        let sizes = ["7B", "7B/13B", "7B/13B/33B/65B", "176B", "6B/130B"];
        let compute = match self.rng.u32(..200) {
            0 => format!("{} A 100*1天", self.rng.u32(1..64)),
            1 => format!("{} A100", self.rng.u32(1..512)),
            2 => "/".to_string(),
            _ => format!(
                "{} {}*{}{}",
                self.rng.u32(1..4096),
                self.pick(ACCELERATORS),
                self.rng.u32(1..120),
                self.pick(UNITS)
            ),
        };
        let links = match self.rng.u32(..100) {
            0 => {
                format!("https://huggingface.co/org{i}/{name}https://arxiv.org/pdf/2302.{i:05}.pdf")
            }
            1 => format!("https://github.com/org{i}/{name}开源完整的训练代码"),
            _ => format!("https://github.com/org{i}/{name} https://arxiv.org/abs/2302.{i:05}"),
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | 数据量：{}B tokens运算量：{compute} | {} | 基于私域数据的问答：https://github.com/app{i}/demo | {links} | 备注{i} |",
            self.pick(ARCHS),
            self.pick(&sizes),
            self.pick(FRAMEWORKS),
            self.rng.u32(1..3000),
            if self.rng.bool() { "是，SFT" } else { "否" },
        );
    }

    /// One English row: model, release, checkpoints link, paper, params, licence.
    fn english_row(&mut self, i: usize, out: &mut String) {
        let _ = writeln!(
            out,
            "| [model-{i}](https://huggingface.co/org/model-{i}) | 2023/{:02} | [weights](https://huggingface.co/org/model-{i}/tree/main) | [Paper {i}](https://arxiv.org/abs/2305.{i:05}) | {} | {}K | {} |",
            self.rng.u32(1..13),
            self.rng.u32(1..200),
            self.rng.u32(2..128),
            self.pick(LICENSES),
        );
    }

    /// A whole survey of at least `target_bytes`.
    pub fn survey(&mut self, target_bytes: usize) -> String {
        let mut out = String::with_capacity(target_bytes + 4096);
        out.push_str("---\nsidebar_label: 开源LLM调研\n---\n# 开源LLM调研\n\n");
        let mut i = 0;
        while out.len() < target_bytes {
            out.push_str("## 中文模型\n\n| 模型名称 | 模型架构 | 参数量 | 训练/微调框架 | 训练细节 | 微调代码是否开源(SFT或RLHF) | 应用场景(如有) | 参考资料 | 备注 |\n|---|---|---|---|---|---|---|---|---|\n");
            // The row that `同LLaMa` refers to.
            out.push_str("| LLaMa | Transformer | 7B/13B/33B/65B | torch+fairscale | 数据量：1.4 Trillion Tokens运算量：2048 A100*21天 | 否 | | https://github.com/facebookresearch/llama | |\n");
            let mut previous = String::new();
            for _ in 0..500 {
                let start = out.len();
                match self.rng.u32(..400) {
                    0 if !previous.is_empty() => out.push_str(&previous.clone()),
                    1 => out.push_str("|  |  |  |  |  |  |  |  |  |\n"),
                    _ => self.chinese_row(i, &mut out),
                }
                previous = out[start..].to_string();
                i += 1;
            }
            out.push_str("\n## Open models\n\n| Language Model | Release Date | Checkpoints | Paper/Blog | Params (B) | Context Length | Licence |\n|---|---|---|---|---|---|---|\n");
            for _ in 0..500 {
                self.english_row(i, &mut out);
                i += 1;
            }
            out.push('\n');
        }
        out
    }

    /// The same rows as CSV (for tools that validate tabular data).
    pub fn csv(&mut self, target_bytes: usize) -> String {
        let survey = self.survey(target_bytes);
        let mut out = String::from("name,arch,params,framework,details,open,use,links,notes\n");
        // Every table row, as the Markdown survey has them; the English rows' seven cells are
        // padded to the nine columns a CSV file has.
        let rows = survey.lines().filter(|l| {
            l.starts_with("| ") && !l.starts_with("| 模型名称") && !l.starts_with("| Language")
        });
        for line in rows {
            let mut cells: Vec<String> = line
                .trim_matches('|')
                .split(" | ")
                .map(|c| format!("\"{}\"", c.trim().replace('"', "\"\"")))
                .collect();
            cells.resize(9, "\"\"".to_string());
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

fn parse_size(text: &str) -> Option<usize> {
    let (number, factor) = match text.chars().last()? {
        'K' | 'k' => (&text[..text.len() - 1], 1 << 10),
        'M' | 'm' => (&text[..text.len() - 1], 1 << 20),
        'G' | 'g' => (&text[..text.len() - 1], 1 << 30),
        _ => (text, 1),
    };
    Some(number.parse::<usize>().ok()? * factor)
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let seed = value("--seed").and_then(|s| s.parse().ok()).unwrap_or(42);
    let bytes = value("--bytes")
        .and_then(|b| parse_size(&b))
        .or_else(|| {
            value("--rows")
                .and_then(|r| r.parse::<usize>().ok())
                .map(|r| r * 330)
        })
        .unwrap_or(1 << 20);
    let mut generator = Generator::new(seed);
    let text = if args.iter().any(|a| a == "--csv") {
        generator.csv(bytes)
    } else {
        generator.survey(bytes)
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
