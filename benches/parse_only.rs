//! The baseline of the scaling benchmark (`benches/scaling.sh`): pulldown-cmark alone, with
//! the options survey-lint parses with, over one file. Prints the number of events. What this
//! takes in time and memory is what any reading of the file as GitHub Markdown takes before
//! survey-lint does anything of its own.
//!
//!     cargo run --release --example parse-only -- FILE

use pulldown_cmark::{Options, Parser};

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: parse-only FILE");
        return std::process::ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("parse-only: {}: {e}", path.to_string_lossy());
            return std::process::ExitCode::from(2);
        }
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(&text, options).into_offset_iter().count();
    println!("{events} events");
    std::process::ExitCode::SUCCESS
}
