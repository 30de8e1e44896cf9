//! Regular expressions a user writes — `[links] exclude`, a rule file's `pattern`, a
//! `duplicate-link` rule's URL lists — compiled within small limits: a config can come from a
//! stranger's pull request, and the regex crate's default allows 10 MiB of program per
//! pattern (300 patterns of `\w{150}`, 4 KB of config, took 2 GB). A pattern past the limit
//! is a config error that says so.

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// The compiled program of one pattern, at most: an alternation of a hundred URLs fits, a
/// `\w{150}` (6.6 MiB) does not.
pub const SIZE_LIMIT: usize = 1024 * 1024;
/// The lazy DFA's cache of one pattern, at most (a smaller cache only makes matching slower).
pub const CACHE_LIMIT: usize = 256 * 1024;
/// Patterns in one list: the memory they take is at most this many times [`SIZE_LIMIT`] and
/// [`CACHE_LIMIT`].
pub const MAX_PATTERNS: usize = 256;

/// One pattern.
pub fn regex(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(CACHE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// A list of patterns matched at once.
pub fn regex_set(patterns: &[String]) -> Result<RegexSet, String> {
    within_count(patterns.len())?;
    RegexSetBuilder::new(patterns)
        .size_limit(SIZE_LIMIT * 4)
        .dfa_size_limit(CACHE_LIMIT * 4)
        .build()
        .map_err(|e| e.to_string())
}

/// An error for a list longer than [`MAX_PATTERNS`].
pub fn within_count(count: usize) -> Result<(), String> {
    if count > MAX_PATTERNS {
        return Err(format!(
            "{count} patterns; at most {MAX_PATTERNS} are read (join them with `|`)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_past_the_limits_are_refused() {
        assert!(regex(r"^https://www\.linkedin\.com/").is_ok());
        let err = regex(r"\w{150}").expect_err("too large");
        let hundred_urls: Vec<String> = (0..100)
            .map(|i| regex::escape(&format!("https://example.org/a-long-path/of-a-survey-{i}")))
            .collect();
        assert!(regex(&format!("^(?:{})$", hundred_urls.join("|"))).is_ok());
        assert!(err.contains("exceeds size limit"), "{err}");
        let many: Vec<String> = (0..=MAX_PATTERNS).map(|i| format!("a{i}")).collect();
        assert!(
            regex_set(&many)
                .expect_err("too many")
                .contains("at most 256")
        );
        assert!(regex_set(&many[..MAX_PATTERNS]).is_ok());
    }
}
