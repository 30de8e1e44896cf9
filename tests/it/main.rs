//! The integration tests: one binary, one module per area.

mod cli;
mod config;
mod formats;
mod gfm;
mod links;
mod no_panic;
mod rules;
mod seed;
mod support;
