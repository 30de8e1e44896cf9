//! Offline speed: parsing, the rules, and a whole `check --offline` of one file, on synthetic
//! surveys of 1, 16 and 100 MB (benches/gen_survey.rs) and on the real corpus.
//!
//! `cargo bench --bench check` runs everything; `cargo bench --bench check -- 16MB` one size.
//! Throughput is reported in bytes, so criterion prints MB/s. See BENCHMARKS.md.

#[path = "gen_survey.rs"]
mod gen_survey;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::sync::Arc;
use std::time::Duration;
use survey_lint::document::Document;
use survey_lint::engine::Linter;
use survey_lint::rules::RuleSet;

const SIZES: &[(&str, usize)] = &[("1MB", 1 << 20), ("16MB", 16 << 20), ("100MB", 100 << 20)];

fn surveys(c: &mut Criterion) {
    let linter = Linter::new(RuleSet::builtin());
    for &(name, bytes) in SIZES {
        let text = gen_survey::Generator::new(42).survey(bytes);
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if bytes > 20 << 20 { 30 } else { 10 }));
        group.bench_function(BenchmarkId::new("pulldown-cmark", "bare parse"), |b| {
            let options = pulldown_cmark::Options::ENABLE_TABLES
                | pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
            b.iter(|| pulldown_cmark::Parser::new_ext(&text, options).count())
        });
        group.bench_function(BenchmarkId::new("survey-lint", "parse"), |b| {
            b.iter(|| Document::parse(&text).tables.len())
        });
        let source = Arc::new(text.clone());
        group.bench_function(BenchmarkId::new("survey-lint", "check --offline"), |b| {
            b.iter(|| {
                linter
                    .lint("survey.md".into(), source.clone(), None)
                    .diagnostics
                    .len()
            })
        });
        group.finish();
    }
}

fn corpus(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping the corpus benchmark: {} not found", dir.display());
        return;
    };
    let files: Vec<Arc<String>> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(Arc::new)
        .collect();
    let bytes: usize = files.iter().map(|f| f.len()).sum();
    let linter = Linter::new(RuleSet::builtin());
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("check --offline", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| {
                    linter
                        .lint("f.md".into(), f.clone(), None)
                        .diagnostics
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, surveys, corpus);
criterion_main!(benches);
