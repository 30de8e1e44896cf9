//! Link checking: the only async code in survey-lint.

mod config;

pub use config::LinkConfig;
