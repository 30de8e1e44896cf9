//! The integration tests: one binary, one module per area.

mod architecture;
mod changes;
mod cli;
mod config;
mod fix;
mod formats;
mod gfm;
mod links;
mod no_panic;
mod online;
mod precision;
mod rules;
mod seed;
mod support;
