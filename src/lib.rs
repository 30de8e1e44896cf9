//! survey-lint: a linter for Markdown survey documents — the curated tables of models, papers
//! and datasets that research groups and awesome lists keep on GitHub.
//!
//! The pipeline: [`files`] finds and reads Markdown, [`document`] parses it into tables, rows,
//! cells and links, [`rules`] loads the rule files that choose [`checks`], [`engine`] runs them
//! into located diagnostics, and [`report`] prints them. `ARCHITECTURE.md` draws the rooms.
//!
//! The library's surface is what the binary, the tests and the benchmarks use:
//! [`run`] (a whole command), [`document::Document::parse`], [`engine::Linter`] with a
//! [`rules::RuleSet`], [`links::check_urls`], [`fix::apply`] and the [`report`] renderers.
//! The other public items are public because those signatures name them.

pub mod baseline;
mod changes;
pub mod checks;
pub mod cli;
mod commands;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod exceptions;
pub mod extract;
pub mod fields;
pub mod files;
pub mod fix;
pub mod links;
pub mod report;
pub mod rules;
pub mod server;
mod suppress;
pub mod workspace;

pub use commands::{ExitStatus, run};
