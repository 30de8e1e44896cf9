//! `survey-lint extract`: the tables as data, with the normalized values of every field rule.

use super::{
    ExitStatus, all_specs, current_dir, eprint_report, for_each_file, print_stdout,
    report_file_errors,
};
use crate::checks::Check;
use crate::cli::{ExtractArgs, ExtractFormat};
use crate::config;
use crate::document::Document;
use crate::extract;

pub fn extract(args: &ExtractArgs) -> ExitStatus {
    let specs = match config::load(args.config.as_deref(), &current_dir()) {
        Ok(loaded) => all_specs(&loaded),
        Err(err) => {
            eprint_report(miette::Report::new(err));
            return ExitStatus::Incomplete;
        }
    };
    // Every rule's settings, whatever its severity: values are data, not findings.
    let checks: Vec<Box<dyn Check>> = specs.iter().map(|s| s.check.build()).collect();
    let mut records = Vec::new();
    let errors = for_each_file(&args.paths, |path, source| {
        let doc = Document::parse(&source);
        records.extend(extract::records(&path, &doc, &checks));
    });
    match args.format {
        ExtractFormat::Json => print_stdout(
            &(serde_json::to_string_pretty(&records).expect("records serialize") + "\n"),
        ),
        ExtractFormat::Csv => match extract::to_csv(&records) {
            Ok(csv) => print_stdout(&csv),
            Err(err) => {
                eprintln!("error: cannot write CSV: {err}");
                return ExitStatus::Incomplete;
            }
        },
    }
    report_file_errors(&errors)
}
