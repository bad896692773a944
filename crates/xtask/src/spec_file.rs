//! The files of the table as written (`spec/operations.toml`, `spec/models.toml`), before
//! `spec::load` resolves their types and checks them.

use serde::Deserialize;

use crate::spec::{Casing, EnumDef, Paging, Resource};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperationsFile {
    pub(crate) resource: Vec<Resource>,
    pub(crate) operation: Vec<RawOperation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelsFile {
    #[serde(rename = "enum")]
    pub(crate) enums: Vec<EnumDef>,
    #[serde(rename = "model")]
    pub(crate) models: Vec<RawModel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModel {
    pub(crate) name: String,
    pub(crate) doc: String,
    #[serde(default)]
    pub(crate) casing: Casing,
    pub(crate) fields: Vec<RawField>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawField {
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) ty: String,
    pub(crate) wire: Option<String>,
    #[serde(default)]
    pub(crate) required: bool,
    #[serde(default)]
    pub(crate) aliases: Vec<String>,
    #[serde(default)]
    pub(crate) doc: String,
    #[serde(default)]
    pub(crate) secret: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOperation {
    pub(crate) id: String,
    pub(crate) resource: String,
    pub(crate) method: String,
    pub(crate) http: String,
    pub(crate) doc: String,
    pub(crate) response: String,
    #[serde(default)]
    pub(crate) nullable: bool,
    pub(crate) status: Option<u16>,
    pub(crate) acts: Option<bool>,
    /// Reaches people or the carrier, or spends money (a tool that needs a human's consent).
    #[serde(default)]
    pub(crate) world: bool,
    pub(crate) pages: Option<Paging>,
    pub(crate) items: Option<String>,
    #[serde(default)]
    pub(crate) casing: Casing,
    #[serde(default)]
    pub(crate) sub_account: bool,
    #[serde(default)]
    pub(crate) one_of: Vec<String>,
    #[serde(default)]
    pub(crate) any_of: Vec<String>,
    #[serde(default)]
    pub(crate) at_most_one: Vec<String>,
    #[serde(default)]
    pub(crate) text_limits: Vec<TextLimit>,
    #[serde(default = "yes")]
    pub(crate) auth: bool,
    /// The official Python SDK has it (its requests are replayed by the wire tests).
    #[serde(default = "yes")]
    pub(crate) official: bool,
    #[serde(default)]
    pub(crate) query: Vec<RawParam>,
    #[serde(default)]
    pub(crate) body: Vec<RawParam>,
}

/// A bound on the characters of a string inside an argument (see `Operation::text_limits`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TextLimit {
    pub(crate) path: String,
    pub(crate) max_chars: u64,
}

pub(crate) fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParam {
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) ty: String,
    pub(crate) wire: Option<String>,
    #[serde(default)]
    pub(crate) required: bool,
    pub(crate) default: Option<toml::Value>,
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
    pub(crate) min_len: Option<u64>,
    pub(crate) max_len: Option<u64>,
    #[serde(default)]
    pub(crate) nullable: bool,
    /// Sent empty when not given (a field the API requires that may be empty).
    #[serde(default)]
    pub(crate) always: bool,
    #[serde(default)]
    pub(crate) aliases: Vec<String>,
    pub(crate) doc: String,
}
