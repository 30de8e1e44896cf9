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
    /// A language server (LSP over stdio) for editors: live diagnostics and quick fixes
    Server(ServerArgs),
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Use this config instead of discovering survey-lint.toml from the workspace
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
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
    /// Record today's findings in FILE (by rule, file and what each is about, not by line),
    /// then report none of them
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "changed_since"])]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings that the baseline FILE does not record
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Also write FORMAT to PATH from the same run (repeatable): `--output sarif=out.sarif`
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<OutputSpec>,
    /// Cut the markdown report at this many bytes (default 1000000, under GitHub's 1 MiB job
    /// summary; an issue or comment body takes 65536 characters)
    #[arg(long, value_name = "BYTES")]
    pub markdown_max_bytes: Option<usize>,
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
    /// Markdown for a pull-request comment or the Actions job summary, with line links on
    /// GitHub (from GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA)
    Markdown,
}

/// `--output FORMAT=PATH`: one more report of the same run, written to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_output(text: &str) -> Result<OutputSpec, String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH, e.g. sarif=out.sarif, not `{text}`"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let known: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| Some(f.to_possible_value()?.get_name().to_string()))
            .collect();
        format!("unknown format `{format}` (one of {})", known.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("no path after `{text}`"));
    }
    Ok(OutputSpec {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
