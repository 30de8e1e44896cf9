//! Placeholder until the compute check lands.

use super::{Check, Finding};
use crate::document::Document;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct ComputeSettings {}

pub struct MalformedCompute;

impl MalformedCompute {
    pub fn new(_settings: &ComputeSettings) -> MalformedCompute {
        MalformedCompute
    }
}

impl Check for MalformedCompute {
    fn check(&self, _doc: &Document<'_>, _out: &mut Vec<Finding>) {}
}
