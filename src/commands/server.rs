//! `survey-lint server`: the language server on stdin/stdout.

use super::{ExitStatus, current_dir};
use crate::cli::ServerArgs;
use crate::links::CheckOptions;
use crate::server::{self, Options};

pub fn server(args: &ServerArgs) -> ExitStatus {
    let (connection, io_threads) = server::stdio();
    let options = Options {
        load: super::setup,
        config: args.config.clone(),
        cwd: current_dir(),
        github_token: CheckOptions::github_token_from_env(),
    };
    let served = server::run(&connection, options);
    drop(connection);
    let (read, written) = io_threads.join();
    // A broken stream ends the session: its error says why, before what it caused.
    let read = read.map_err(|e| format!("reading the client's messages: {e}"));
    match read.and(served) {
        Ok(true) if written.is_ok() => ExitStatus::Clean,
        // `exit` without `shutdown` first (the protocol asks for status 1), or the client gone.
        Ok(_) => ExitStatus::Findings,
        Err(error) => {
            eprintln!("error: survey-lint server: {error}");
            ExitStatus::Incomplete
        }
    }
}
