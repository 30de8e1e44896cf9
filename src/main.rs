use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use survey_lint::cli::Cli;

fn main() -> ExitCode {
    miette::set_hook(Box::new(|_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .terminal_links(false)
                .force_graphical(true)
                .color(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
                .context_lines(1)
                .build(),
        )
    }))
    .ok();
    let cli = Cli::parse();
    ExitCode::from(survey_lint::run(cli).code())
}
