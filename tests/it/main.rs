//! The integration tests: one binary, one module per area.

mod anchors;
mod architecture;
mod changes;
mod cli;
mod config;
mod fix;
mod formats;
mod gfm;
mod links;
mod local_links;
mod no_panic;
mod online;
mod oracle;
mod rendered;
mod rules;
mod seed;
mod support;
