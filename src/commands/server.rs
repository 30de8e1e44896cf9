//! `survey-lint server`: the language server on stdin/stdout.

use super::{ExitStatus, current_dir};
use crate::cli::ServerArgs;
use crate::links::CheckOptions;
use crate::server::{self, Options};

pub fn server(args: &ServerArgs) -> ExitStatus {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let options = Options {
        load: super::setup,
        config: args.config.clone(),
        cwd: current_dir(),
        github_token: CheckOptions::github_token_from_env(),
    };
    let served = server::run(&connection, options);
    drop(connection);
    let joined = io_threads.join();
    match served {
        Ok(true) if joined.is_ok() => ExitStatus::Clean,
        // `exit` without `shutdown` first: the protocol asks for status 1.
        Ok(_) => ExitStatus::Findings,
        Err(error) => {
            eprintln!("error: survey-lint server: {error}");
            ExitStatus::Incomplete
        }
    }
}
