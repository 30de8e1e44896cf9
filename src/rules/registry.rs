//! The one list of check kinds. A rule file's `[check]` table names a kind (`kind =
//! "duplicate-row"`) and holds that kind's settings; this list maps each name to the check type
//! that implements it. Adding a kind is: one file in `src/checks/` implementing [`Check`] and
//! [`Kind`], one line here, one rule file in `rules/`, and its fixtures.

use super::spec::Example;
use crate::checks::{self, Check, Kind};
use crate::diagnostic::Severity;
use serde::de::value::MapAccessDeserializer;
use serde::de::{
    DeserializeOwned, DeserializeSeed, IgnoredAny, IntoDeserializer, MapAccess, Visitor,
};
use serde::{Deserialize, Deserializer};

/// Declares the kinds: `Variant("name") => CheckType`, `name` being the `kind` a rule file
/// writes. Generates [`CheckSpec`] (the parsed `[check]` table: the kind and its settings,
/// parsed once into their final types), [`CheckSpec::build`] and the parser of a rule file of
/// each kind.
macro_rules! check_kinds {
    ($($variant:ident($name:literal) => $check:ty,)*) => {
        /// The check kind a rule runs, with its settings.
        #[derive(Debug, Clone)]
        pub enum CheckSpec {
            $($variant(<$check as Kind>::Settings),)*
        }

        impl CheckSpec {
            /// The names of the kinds, as rule files write them.
            pub const KINDS: &[&str] = &[$($name,)*];

            /// The check this spec asks for.
            pub fn build(&self) -> Box<dyn Check> {
                match self {
                    $(CheckSpec::$variant(settings) => Box::new(<$check as Kind>::new(settings)),)*
                }
            }

            /// Parses the whole of a rule file whose check is of kind `kind` with that kind's
            /// settings type, so that every error keeps its place in the file; `None` for an
            /// unknown kind.
            pub fn parse_rule_file<F>(
                kind: &str,
                text: &str,
                file: impl Fn(CheckSpec, $crate::rules::registry::Head) -> F,
            ) -> Option<Result<F, toml::de::Error>> {
                match kind {
                    $($name => Some(
                        $crate::rules::registry::parse_as::<<$check as Kind>::Settings>(text)
                            .map(|(settings, head)| file(CheckSpec::$variant(settings), head)),
                    ),)*
                    _ => None,
                }
            }
        }
    };
}

check_kinds! {
    DuplicateRow("duplicate-row") => checks::DuplicateRow,
    EmptyRow("empty-row") => checks::EmptyRow,
    ColumnCount("column-count") => checks::ColumnCount,
    DuplicateKey("duplicate-key") => checks::DuplicateKey,
    GluedUrl("glued-url") => checks::GluedUrl,
    UrlRunsIntoText("url-runs-into-text") => checks::UrlRunsIntoText,
    MalformedUrl("malformed-url") => checks::MalformedUrl,
    DuplicateLink("duplicate-link") => checks::DuplicateLink,
    InvalidValue("invalid-value") => checks::InvalidValue,
    UnresolvedReference("unresolved-reference") => checks::UnresolvedReference,
    // What the link checker found: runs only when links are checked (not `--offline`).
    LinkStatus("link-status") => checks::LinkStatus,
    // What a host's API said of a link's repository: also only when links are checked.
    RepoStatus("repo-status") => checks::RepoStatus,
    // What arXiv's export API said of a link's paper: also only when links are checked.
    PaperStatus("paper-status") => checks::PaperStatus,
    MismatchedPaper("mismatched-paper") => checks::MismatchedPaper,
    MalformedCompute("malformed-compute") => checks::MalformedCompute,
    MalformedQuantity("malformed-quantity") => checks::MalformedQuantity,
    // Links into the working tree: fragments, files, the repository's own GitHub URLs.
    BrokenFragment("broken-fragment") => checks::BrokenFragment,
    MissingFile("missing-file") => checks::MissingFile,
}

/// Everything of a rule file but its check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub severity: Severity,
    /// Whether the rule runs unless the config turns it off; `false` for a rule that only
    /// some users want, which the config turns on with a severity.
    pub enabled: bool,
    pub docs: String,
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// A rule file with the settings type `S` of its check's kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile<S> {
    code: String,
    name: String,
    summary: String,
    severity: Severity,
    #[serde(default = "on")]
    enabled: bool,
    docs: String,
    check: KindAnd<S>,
    #[serde(default)]
    examples: Vec<Example>,
}

/// Parses a rule file whose check settings are of type `S`.
pub fn parse_as<S: DeserializeOwned>(text: &str) -> Result<(S, Head), toml::de::Error> {
    let file: RuleFile<S> = toml::from_str(text)?;
    let head = Head {
        code: file.code,
        name: file.name,
        summary: file.summary,
        severity: file.severity,
        enabled: file.enabled,
        docs: file.docs,
        examples: file.examples,
    };
    Ok((file.check.0, head))
}

fn on() -> bool {
    true
}

/// A `[check]` table read as the settings `S`, its `kind` key passed over (it was read first
/// to choose `S`). Read key by key, never buffered, so that an error in a setting keeps its
/// line and column.
struct KindAnd<S>(S);

impl<'de, S: Deserialize<'de>> Deserialize<'de> for KindAnd<S> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<S>(std::marker::PhantomData<S>);
        impl<'de, S: Deserialize<'de>> Visitor<'de> for Visit<S> {
            type Value = KindAnd<S>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a check table")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<KindAnd<S>, A::Error> {
                S::deserialize(MapAccessDeserializer::new(WithoutKind(map))).map(KindAnd)
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// The entries of a map but `kind`.
struct WithoutKind<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithoutKind<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.0.next_key::<String>()? {
            if key == "kind" {
                self.0.next_value::<IgnoredAny>()?;
                continue;
            }
            return seed.deserialize(key.into_deserializer()).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    //! Adding a kind is one check type, one line in a `check_kinds!` list and one rule file:
    //! this module adds one beside a built-in kind and runs it, touching nothing else.
    use crate::checks::{self, Check, CheckContext, Kind};
    use crate::diagnostic::{Finding, Sink};
    use crate::document::Document;

    /// A new kind with settings of its own: reports table headers written in capitals.
    pub struct ShoutingHeader {
        min_len: usize,
    }

    #[derive(Debug, Clone, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ShoutingHeaderSettings {
        min_len: usize,
    }

    impl Kind for ShoutingHeader {
        type Settings = ShoutingHeaderSettings;
        fn new(settings: &ShoutingHeaderSettings) -> Self {
            ShoutingHeader {
                min_len: settings.min_len,
            }
        }
    }

    impl Check for ShoutingHeader {
        fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
            for table in &cx.doc.tables {
                for cell in &table.header.cells {
                    let text = cx.doc.text(&cell.span());
                    if text.len() >= self.min_len && text == text.to_uppercase() {
                        out.push(Finding::new(cell.span(), "header is written in capitals"));
                    }
                }
            }
        }
    }

    check_kinds! {
        EmptyRow("empty-row") => checks::EmptyRow,
        ShoutingHeader("shouting-header") => ShoutingHeader,
    }

    const HEAD: &str =
        "code = \"X1\"\nname = \"x\"\nsummary = \"x\"\nseverity = \"error\"\ndocs = \"x\"\n";

    fn parse(kind: &str, check: &str) -> Result<CheckSpec, toml::de::Error> {
        let text = format!("{HEAD}[check]\nkind = \"{kind}\"\n{check}");
        CheckSpec::parse_rule_file(kind, &text, |spec, _| spec).expect("a kind of this list")
    }

    fn run(spec: CheckSpec, markdown: &str) -> Vec<Finding> {
        let doc = Document::parse(markdown);
        let mut out = Vec::new();
        spec.build().check(&CheckContext::new(&doc, None), &mut out);
        out
    }

    #[test]
    fn a_kind_added_to_a_list_runs_from_its_rule_file() {
        let survey = "| MODEL | Size |\n|---|---|\n| a | 7B |\n|  |  |\n";
        let shouting = run(parse("shouting-header", "min_len = 3\n").unwrap(), survey);
        assert_eq!(shouting.len(), 1);
        assert_eq!(&survey[shouting[0].span.clone()], "MODEL");
        assert_eq!(run(parse("empty-row", "").unwrap(), survey).len(), 1);
        let unknown = parse("shouting-header", "min = 3\n").unwrap_err();
        assert!(
            unknown.message().contains("unknown field `min`"),
            "{unknown}"
        );
        assert_eq!(CheckSpec::KINDS, ["empty-row", "shouting-header"]);
    }
}
