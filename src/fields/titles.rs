//! Paper titles compared with what a survey's row calls the paper: a full title (`LLaMA: Open
//! and Efficient Foundation Language Models`) or a name (`LLaMA`, `chinchilla-70b`). Both are
//! normalized first — NFKC, case, LaTeX (`\textsc{X}`, `$\alpha$`), punctuation — and a
//! title's leading name before a colon is known as such. Pure functions, no findings.

use unicode_normalization::UnicodeNormalization;

/// Words that say nothing of which paper a title names.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "for", "from", "how", "in",
    "into", "is", "it", "its", "of", "on", "or", "our", "the", "their", "through", "to", "toward",
    "towards", "using", "via", "we", "what", "when", "with", "you", "your",
];

/// What a row text or a paper title is, for comparing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// Its words, lowercase, without stopwords, plurals folded (`models` → `model`).
    pub words: Vec<String>,
    /// Its letters and digits only, lowercase: `gptneox20b` of `GPT-NeoX-20B`.
    pub squashed: String,
    /// The name before a leading colon, squashed, when it reads as a name: one word
    /// (`Reflexion`, `RT-2`, `Self-Instruct`) or a word and a version (`Llama 2`).
    pub leading: Option<String>,
    /// Words as written, separated by spaces (stopwords included): a title has several.
    tokens: usize,
    /// The text, kept for a name with aliases.
    text: Option<String>,
}

impl Title {
    pub fn new(text: &str) -> Title {
        let plain = strip_latex(&text.nfkc().collect::<String>());
        let leading = plain
            .split_once(':')
            .and_then(|(before, _)| leading_name(before));
        let tokens = plain
            .split_whitespace()
            .filter(|t| t.chars().any(char::is_alphanumeric))
            .count();
        Title {
            words: words(&plain),
            squashed: squash(&plain),
            leading,
            tokens,
            text: (tokens <= 3 && text.contains(['/', ','])).then(|| text.to_string()),
        }
    }

    /// Whether the text is a name rather than a title: at most three words as written
    /// (`LLaMA`, `GPT-NeoX-20B`, `codex-12b / code-cushman-001`).
    pub fn is_name(&self) -> bool {
        self.tokens <= 3 && !self.words.is_empty()
    }

    /// The name without what sets a model apart from its family (`70b`, `chat`, `v2`):
    /// `chinchilla` of `chinchilla-70b`, `gptneox` of `GPT-NeoX-20B`.
    fn stem(&self) -> String {
        let mut stem = String::new();
        for word in &self.words {
            if is_variant(word) && !stem.is_empty() {
                break;
            }
            stem.push_str(word);
        }
        stem
    }
}

/// Whether a text is mostly Latin letters (a title or name that can be compared with
/// arXiv's titles): `BloombergGPT (金融领域)` is, `盘古` is not.
pub fn is_latin(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic());
    let (mut latin, mut total) = (0usize, 0usize);
    for c in letters {
        total += 1;
        if is_latin_char(c) {
            latin += 1;
        }
    }
    latin >= 2 && latin * 2 >= total
}

fn is_latin_char(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{c0}'..='\u{24f}').contains(&c) && c.is_alphabetic()
}

/// A character a compared word keeps: Latin letters and digits (other scripts are dropped,
/// as arXiv's titles are in Latin letters).
fn kept(c: char) -> bool {
    c.is_ascii_digit() || is_latin_char(c)
}

/// Whether the name `name` (a row's key, such as `LLaMA` or `chinchilla-70b`) names the paper
/// titled `title`: the name is in the title, or the title's leading name and the name are
/// one family (`ChatGLM` and `GLM`, `LLaMA-2-7B` and `LLaMA`). A name with aliases
/// (`gpt-3-175b / davinci`) fits when one of them does.
pub fn name_fits(name: &Title, title: &Title) -> bool {
    name.alternatives()
        .iter()
        .any(|alias| alias_fits(alias, title))
}

fn alias_fits(name: &Title, title: &Title) -> bool {
    let stem = name.stem();
    if stem.len() >= 2 && contains_word_run(title, &stem) {
        return true;
    }
    // Squashed, a short name would be found inside any word (`yi` in `yield`).
    if name.squashed.len() >= 5 && title.squashed.contains(&name.squashed) {
        return true;
    }
    match &title.leading {
        Some(leading) => related(&stem, leading) || related(&name.squashed, leading),
        None => false,
    }
}

/// Whether the row's name or title names the paper titled `title` beyond doubt: its name is
/// the title's leading name or its first words, or its title shares most words. Stricter
/// than [`fits`]: it decides which row a paper belongs to.
pub fn claims(row: &Title, title: &Title) -> bool {
    if !row.is_name() {
        let shared = row.words.iter().filter(|w| title.words.contains(w)).count();
        return shared * 5 >= row.words.len().max(title.words.len()) * 4;
    }
    row.alternatives().iter().any(|alias| {
        let stem = alias.stem();
        stem.len() >= 3
            && (title.leading.as_deref() == Some(stem.as_str())
                || title.leading.as_deref() == Some(alias.squashed.as_str())
                || word_run_at(title, 0, &stem))
    })
}

impl Title {
    /// The names of a row that gives several, split at `/` and `,`.
    fn alternatives(&self) -> Vec<Title> {
        match &self.text {
            Some(text) if text.contains(['/', ',']) => text
                .split(['/', ','])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(Title::new)
                .filter(|t| !t.words.is_empty())
                .collect(),
            _ => vec![self.clone()],
        }
    }
}

/// Whether the title a row gives (`row`) and arXiv's title (`title`) are one paper's: their
/// leading names are one family, or at least half of the shorter one's words are in the
/// other.
pub fn titles_fit(row: &Title, title: &Title) -> bool {
    if let (Some(a), Some(b)) = (&row.leading, &title.leading)
        && related(a, b)
    {
        return true;
    }
    let shared = row.words.iter().filter(|w| title.words.contains(w)).count();
    let shorter = row.words.len().min(title.words.len());
    shorter == 0 || shared * 2 >= shorter
}

/// Whether what a row says (a name or a title) fits arXiv's title.
pub fn fits(row: &Title, title: &Title) -> bool {
    if row.is_name() {
        name_fits(row, title)
    } else {
        titles_fit(row, title) || (row.leading.as_ref().is_some_and(|l| contains(title, l)))
    }
}

/// Whether the title holds `stem` as a run of whole words (`gptneox` in `gpt neox 20b …`),
/// or a word that is `stem` and a version (`qwen2` for `qwen`; not `optimal` for `opt`).
fn contains_word_run(title: &Title, stem: &str) -> bool {
    (0..title.words.len()).any(|start| word_run_at(title, start, stem))
}

/// Whether the title's words from `start` on spell `stem` (and perhaps a version).
fn word_run_at(title: &Title, start: usize, stem: &str) -> bool {
    let mut run = String::new();
    for word in title.words.iter().skip(start) {
        run.push_str(word);
        if let Some(rest) = run.strip_prefix(stem) {
            return rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit());
        }
        if !stem.starts_with(&run) {
            return false;
        }
    }
    false
}

fn contains(title: &Title, squashed: &str) -> bool {
    squashed.len() >= 3 && title.squashed.contains(squashed)
}

/// Two squashed names of one family: one holds the other (`chatglm` and `glm`, `palmcoder`
/// and `palm`), at least 3 characters long, or the whole of a shorter one at its start.
fn related(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.contains(short) && (short.len() >= 3 || long.starts_with(short))
}

/// A model variant or size: `70b`, `8x7b`, `1.5`, `v2`, `chat`, `instruct` …
fn is_variant(word: &str) -> bool {
    const TAGS: &[&str] = &[
        "base", "chat", "instruct", "hf", "it", "sft", "rlhf", "preview", "dataset", "model",
        "data",
    ];
    if TAGS.contains(&word) {
        return true;
    }
    let digits_then = |w: &str| {
        let rest = w.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == 'x');
        rest.len() < w.len() && matches!(rest, "" | "b" | "m" | "k" | "t")
    };
    digits_then(word)
        || (word.starts_with('v')
            && word[1..].bytes().all(|b| b.is_ascii_digit())
            && word.len() > 1)
}

/// The squashed name before a title's colon, when it reads as a name.
fn leading_name(before: &str) -> Option<String> {
    let parts: Vec<&str> = before.split_whitespace().collect();
    let name_like = match parts.as_slice() {
        [_] => true,
        [_, version] => {
            version.chars().all(|c| c.is_ascii_digit() || c == '.')
                || matches!(*version, "II" | "III" | "IV")
        }
        _ => false,
    };
    let squashed = squash(before);
    (name_like && !squashed.is_empty()).then_some(squashed)
}

fn squash(text: &str) -> String {
    text.chars()
        .filter(|&c| kept(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The distinct words of a text, in order.
fn words(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    text.split(|c: char| !kept(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_string(),
            _ => w,
        })
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

/// LaTeX as arXiv titles carry it: `$` dropped, `\command{x}` as `x`, `\command` dropped,
/// braces dropped; `\&` as `&`.
fn strip_latex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' | '{' | '}' => {}
            '\\' => {
                let mut command = String::new();
                while let Some(&next) = chars.peek() {
                    if next.is_ascii_alphabetic() {
                        command.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if command.is_empty() {
                    // `\&`, `\%`: the character itself.
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                } else if chars.peek() != Some(&'{') {
                    // A symbol such as `\alpha`: its name is a word of the title.
                    out.push(' ');
                    out.push_str(&command);
                    out.push(' ');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(row: &str, title: &str) -> bool {
        fits(&Title::new(row), &Title::new(title))
    }

    #[test]
    fn names_fit_their_papers() {
        for (row, title) in [
            (
                "LLaMA",
                "LLaMA: Open and Efficient Foundation Language Models",
            ),
            (
                "LLaMA-2-7B",
                "LLaMA: Open and Efficient Foundation Language Models",
            ),
            (
                "Llama 2",
                "Llama 2: Open Foundation and Fine-Tuned Chat Models",
            ),
            (
                "GPT-NeoX-20B",
                "GPT-NeoX-20B: An Open-Source Autoregressive Language Model",
            ),
            (
                "ChatGLM2-6B",
                "GLM: General Language Model Pretraining with Autoregressive Blank Infilling",
            ),
            (
                "Falcon-40B",
                "The RefinedWeb Dataset for Falcon LLM: Outperforming Curated Corpora",
            ),
            ("Qwen-7B", "Qwen Technical Report"),
            ("Mixtral 8x7B", "Mixtral of Experts"),
            (
                "BloombergGPT (金融领域)",
                "BloombergGPT: A Large Language Model for Finance",
            ),
            ("LIMA dataset", "LIMA: Less Is More for Alignment"),
            ("Yi", "Yi: Open Foundation Models by 01.AI"),
            (
                "palm-coder-540b",
                "PaLM: Scaling Language Modeling with Pathways",
            ),
        ] {
            assert!(fit(row, title), "{row} / {title}");
        }
    }

    #[test]
    fn a_name_against_another_papers_leading_name_does_not_fit() {
        assert!(!fit(
            "ReAct",
            "Reflexion: Language Agents with Verbal Reinforcement Learning"
        ));
        assert!(!fit(
            "RoFormer",
            "RT-2: Vision-Language-Action Models Transfer Web Knowledge to Robotic Control"
        ));
        // Without a leading name nothing tells: a name only fits when it is in the title.
        assert!(!fit(
            "chinchilla-70b",
            "Training Compute-Optimal Large Language Models"
        ));
        // `opt` is not in `optimal`, nor `yi` in `yield`.
        let optimal = Title::new("Training Compute-Optimal Large Language Models");
        assert!(!claims(&Title::new("opt-7b"), &optimal));
        assert!(!fit("Yi", "Maximizing Yield of Models"));
    }

    #[test]
    fn names_with_aliases_are_names() {
        let row = Title::new("codex-12b / code-cushman-001");
        assert!(row.is_name());
        assert!(fit(
            "gpt-3-175b / GPT-3",
            "GPT-3: Language Models are Few-Shot Learners"
        ));
        assert!(!fit(
            "gpt-3-175b / davinci",
            "Language Models are Few-Shot Learners"
        ));
        assert!(!Title::new("Attention Is All You Need").is_name());
    }

    #[test]
    fn a_row_claims_a_paper_only_beyond_doubt() {
        let reflexion = Title::new("Reflexion: Language Agents with Verbal Reinforcement Learning");
        assert!(claims(&Title::new("Reflexion"), &reflexion));
        assert!(!claims(&Title::new("Agents"), &reflexion));
        assert!(claims(
            &Title::new("Reflexion: language agents with verbal reinforcement learning"),
            &reflexion
        ));
    }

    #[test]
    fn titles_fit_despite_case_punctuation_latex_and_revisions() {
        for (row, title) in [
            ("**Attention is all you need**", "Attention Is All You Need"),
            (
                "Qwen-VL: A Frontier Large Vision-Language Model with Versatile Abilities",
                "Qwen-VL: A Versatile Vision-Language Model for Understanding, Localization, Text Reading, and Beyond",
            ),
            (
                "$\\pi_0$: A Vision-Language-Action Flow Model for General Robot Control",
                "$π_0$: A Vision-Language-Action Flow Model for General Robot Control",
            ),
            (
                "The \\textsc{Pile}: An 800GB Dataset of Diverse Text",
                "The Pile: An 800GB Dataset of Diverse Text for Language Modeling",
            ),
        ] {
            assert!(fit(row, title), "{row} / {title}");
        }
        assert!(!fit(
            "MiniGPT-4: Enhancing Vision-Language Understanding with Advanced Large Language Models",
            "mPLUG-Owl: Modularization Empowers Large Language Models with Multimodality"
        ));
    }

    #[test]
    fn latin_text_is_told_from_other_scripts() {
        assert!(is_latin("LLaMA"));
        assert!(is_latin("Émile"));
        assert!(is_latin("BloombergGPT (金融领域)"));
        assert!(!is_latin("盘古"));
        assert!(!is_latin("2048"));
    }
}
