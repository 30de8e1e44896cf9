//! The command line (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "survey-lint",
    version,
    about = "Lint Markdown survey documents: duplicate rows, malformed fields, glued URLs, dead links",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files or folders (default: the current folder)
    Check(CheckArgs),
    /// List every rule: code, name, default severity, summary
    Rules,
    /// Print a rule's documentation and examples (by name or code, any case)
    Explain {
        /// Rule name (e.g. duplicate-row) or code (e.g. SL101)
        rule: String,
    },
    /// Print every URL as its author meant it: glued URLs split, run-on text cut off
    Links(LinksArgs),
    /// Print the tables as data: one record per row, header → cell text, plus normalized values
    Extract(ExtractArgs),
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files or folders (default: the current folder)
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ExtractFormat::Json)]
    pub format: ExtractFormat,
    /// Use this config instead of discovering survey-lint.toml (its rule files' field
    /// settings, such as extra accelerators, are used for the normalized values)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct LinksArgs {
    /// Files or folders (default: the current folder)
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// `text`: one `path:line:column<TAB>url` per line; `json`: an array of records
    #[arg(long, value_enum, default_value_t = LinksFormat::Text)]
    pub format: LinksFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinksFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders; folders are walked for *.md and *.markdown, honouring .gitignore
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// No network: every rule except link reachability runs
    #[arg(long)]
    pub offline: bool,
    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Use this config instead of discovering survey-lint.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Warnings also make the exit status 1
    #[arg(long)]
    pub deny_warnings: bool,
    /// Report only findings on lines added or changed since git REF (its merge base with HEAD)
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Neither read nor write the link cache
    #[arg(long)]
    pub no_cache: bool,
    /// Which loopback, private and link-local addresses links may reach: `false`, `true`, or
    /// addresses / CIDRs separated by commas. Wins over SURVEY_LINT_ALLOW_PRIVATE, which wins
    /// over `links.allow_private` in the config
    #[arg(long, value_name = "false|true|LIST")]
    pub allow_private: Option<String>,
    /// Apply the fixes that rules mark safe, then report what is left
    #[arg(long)]
    pub fix: bool,
    /// With --fix: print the unified diff instead of writing the files
    #[arg(long, requires = "fix")]
    pub diff: bool,
    /// When to use colours in human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// miette-rendered diagnostics with the source line
    Human,
    /// version 1 of the JSON format (the README documents it)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request diff
    Github,
    /// JUnit XML: one test case per file, one failure per finding
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
