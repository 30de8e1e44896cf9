//! The integration tests: one binary, one module per area.

mod anchors;
mod architecture;
mod baseline;
mod changes;
mod cli;
mod config;
mod fix;
mod formats;
mod fuzzed;
mod gfm;
mod hostile;
mod links;
mod local_links;
mod markdown;
mod no_panic;
mod online;
mod oracle;
mod precision;
mod rendered;
mod rules;
mod seed;
mod server;
mod support;
