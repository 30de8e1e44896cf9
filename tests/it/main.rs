//! The integration tests: one binary, one module per area.

mod architecture;
mod changes;
mod cli;
mod config;
mod fix;
mod formats;
mod gfm;
mod hostile;
mod links;
mod no_panic;
mod online;
mod rules;
mod seed;
mod support;
