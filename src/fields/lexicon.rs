//! Word lists that the field parsers look up at a position of a cell (time units, accelerator
//! names, quantity units), compared in any ASCII case.
//!
//! A parser asks for the words that could start at its cursor many times per row, so the words
//! are sorted by their first byte and a lookup compares only the few that share it.

use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// Words with a value each (`天` → 24 hours, `B` → 1e9), in a rule's settings.
#[derive(Debug, Clone)]
pub struct Lexicon<V> {
    /// Trimmed, non-empty words, sorted by their first byte in lowercase.
    words: Vec<(String, V)>,
    /// `words[groups[b]..groups[b + 1]]` are the words whose first byte in lowercase is `b`.
    groups: Vec<u32>,
}

impl<V> Lexicon<V> {
    pub fn new(words: impl IntoIterator<Item = (String, V)>) -> Lexicon<V> {
        let mut words: Vec<(String, V)> = words
            .into_iter()
            .map(|(word, value)| (word.trim().to_string(), value))
            .filter(|(word, _)| !word.is_empty())
            .collect();
        words.sort_by_key(|(word, _)| first_byte(word));
        let groups = (0..=256)
            .map(|b| words.partition_point(|(w, _)| usize::from(first_byte(w)) < b) as u32)
            .collect();
        Lexicon { words, groups }
    }

    /// The words whose first byte is the first byte of `text` (in any ASCII case): the only
    /// ones that can be a prefix of it.
    pub fn starting(&self, text: &str) -> &[(String, V)] {
        let Some(first) = text
            .bytes()
            .next()
            .map(|b| usize::from(b.to_ascii_lowercase()))
        else {
            return &[];
        };
        match (self.groups.get(first), self.groups.get(first + 1)) {
            (Some(&from), Some(&to)) => &self.words[from as usize..to as usize],
            _ => &[],
        }
    }

    /// Every word, for lookups of a whole text.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.words.iter().map(|(w, v)| (w.as_str(), v))
    }
}

impl<V> Default for Lexicon<V> {
    fn default() -> Lexicon<V> {
        Lexicon::new([])
    }
}

fn first_byte(word: &str) -> u8 {
    word.bytes().next().map_or(0, |b| b.to_ascii_lowercase())
}

/// Read from a TOML table of `word = value`.
impl<'de, V: Deserialize<'de>> Deserialize<'de> for Lexicon<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, V>::deserialize(deserializer)?;
        Ok(Lexicon::new(map))
    }
}

/// Read from a TOML table of `canonical = [other spellings]`: every spelling, the canonical one
/// included, maps to the canonical name.
pub fn spellings<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Lexicon<String>, D::Error> {
    let map = BTreeMap::<String, Vec<String>>::deserialize(deserializer)?;
    Ok(Lexicon::new(map.into_iter().flat_map(
        |(canonical, others)| {
            std::iter::once(canonical.clone())
                .chain(others)
                .map(move |spelling| (spelling, canonical.clone()))
        },
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_see_only_words_with_the_same_first_byte() {
        let units = Lexicon::new(
            [
                ("B", 1e9),
                ("b", 1.0),
                ("M", 1e6),
                ("天", 24.0),
                ("  ", 0.0),
                (" k ", 1e3),
            ]
            .map(|(w, v)| (w.to_string(), v)),
        );
        let words = |text| -> Vec<&str> {
            let mut w: Vec<&str> = units
                .starting(text)
                .iter()
                .map(|(w, _)| w.as_str())
                .collect();
            w.sort();
            w
        };
        assert_eq!(words("B tokens"), ["B", "b"]);
        assert_eq!(words("bytes"), ["B", "b"]);
        assert_eq!(words("天"), ["天"]);
        assert_eq!(words("k"), ["k"]);
        assert!(words("x").is_empty() && words("").is_empty() && words(" ").is_empty());
        assert_eq!(units.iter().count(), 5);
    }

    #[test]
    fn spellings_map_to_their_canonical_name() {
        let table: toml::Table =
            toml::from_str(r#"a = { "A10" = ["A10G"], "RTX 4090" = ["4090"] }"#)
                .expect("valid TOML");
        let lexicon = spellings(table["a"].clone()).expect("a table of lists");
        let mut all: Vec<(&str, &String)> = lexicon.iter().collect();
        all.sort();
        let names: Vec<(&str, &str)> = all.iter().map(|(s, c)| (*s, c.as_str())).collect();
        assert_eq!(
            names,
            [
                ("4090", "RTX 4090"),
                ("A10", "A10"),
                ("A10G", "A10"),
                ("RTX 4090", "RTX 4090")
            ]
        );
    }
}
