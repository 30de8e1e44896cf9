//! Placeholder until the quantity check lands.

use super::{Check, Finding};
use crate::document::Document;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct QuantitySettings {}

pub struct MalformedQuantity;

impl MalformedQuantity {
    pub fn new(_settings: &QuantitySettings) -> MalformedQuantity {
        MalformedQuantity
    }
}

impl Check for MalformedQuantity {
    fn check(&self, _doc: &Document<'_>, _out: &mut Vec<Finding>) {}
}
