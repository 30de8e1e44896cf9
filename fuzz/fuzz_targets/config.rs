//! The config and rule-file loader: any `survey-lint.toml` and any rule file it names load or
//! fail with an error, and the error renders. The input is the config, a NUL byte, and the text
//! of `rules/r.toml` beside it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;
use survey_lint::rules::RuleSpec;

/// A repository of its own (a `.git` folder marks its root), made once per process.
fn repository() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        std::fs::create_dir_all(dir.join(".git")).expect(".git");
        std::fs::create_dir_all(dir.join("rules")).expect("rules/");
        dir
    })
}

fuzz_target!(|bytes: &[u8]| {
    let (config, rule) = match bytes.iter().position(|&b| b == 0) {
        Some(nul) => (&bytes[..nul], &bytes[nul + 1..]),
        None => (bytes, &[][..]),
    };
    if let Ok(text) = std::str::from_utf8(rule) {
        let _ = RuleSpec::parse(text);
    }
    let dir = repository();
    let path = dir.join("survey-lint.toml");
    std::fs::write(&path, config).expect("write the config");
    std::fs::write(dir.join("rules/r.toml"), rule).expect("write the rule file");
    match survey_lint::config::load(Some(&path), dir) {
        Ok(loaded) => {
            static BUILTIN: OnceLock<Vec<RuleSpec>> = OnceLock::new();
            let mut specs = BUILTIN
                .get_or_init(survey_lint::rules::builtin_specs)
                .clone();
            specs.extend(loaded.user_rules.iter().cloned());
            let _ = loaded.levels(&specs);
        }
        Err(error) => {
            let mut out = String::new();
            let handler = miette::GraphicalReportHandler::new_themed(
                miette::GraphicalTheme::unicode_nocolor(),
            );
            let _ = handler.render_report(&mut out, &error);
            assert!(!out.is_empty());
        }
    }
});
