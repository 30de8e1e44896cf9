//! Value parsers: pure functions from cell text to values, with no findings. The field checks
//! (`malformed-compute`, `malformed-quantity`, `invalid-value`) and `extract` read cells
//! through them.
//!
//! - [`columns`]: which columns a rule reads, by header alias; the key column of a table.
//! - [`cells`]: the values of one field in a cell, split out of labelled sub-fields.
//! - [`compute`]: `2048 A100*21天` → 2048 accelerators × 504 hours.
//! - [`quantity`]: `7B/13B`, `1.4 Trillion Tokens`, `70亿` → numbers.
//! - [`lexicon`]: word lists grouped by first byte, for the parsers above.
//! - [`text`]: cell text as a reader sees it, normalized for comparison.
//! - [`titles`]: a row's name or title against a paper's title.
//! - [`defaults`]: settings that rules share, from `rules/_defaults.toml`.
//! - [`pattern`]: regular expressions a user writes, compiled within small limits.

pub mod cells;
pub mod columns;
pub mod compute;
pub mod defaults;
pub mod lexicon;
pub mod pattern;
pub mod quantity;
pub mod text;
pub mod titles;
