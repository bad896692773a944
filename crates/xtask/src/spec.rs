//! Loads and checks the operation table (`spec/operations.toml`) and its models
//! (`spec/models.toml`). Every output of the generator reads the table through this module, so a
//! mistake in the table fails here, once, with the operation and field named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use heck::{ToLowerCamelCase, ToUpperCamelCase};
use serde::Deserialize;

pub(crate) use crate::spec_file::TextLimit;
use crate::spec_file::{ModelsFile, OperationsFile};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub name: String,
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    pub values: Vec<String>,
    #[serde(default)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Casing {
    #[default]
    Camel,
    Snake,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paging {
    Offset,
    Cursor,
}

/// A parameter or field type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    String,
    Int,
    Float,
    Bool,
    /// Any JSON value.
    Json,
    /// A JSON object.
    Object,
    /// A phone number, normalized to E.164 before sending.
    Phone,
    /// Whom a message goes to: a phone number (normalized to E.164), a short code, an email
    /// address (iMessage) or a `grp_` group id.
    Recipient,
    /// An HTTPS URL (http to loopback allowed).
    Url,
    /// String-to-string map.
    StringMap,
    List(Box<Ty>),
    Enum(String),
    Model(String),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    pub aliases: Vec<String>,
    pub doc: String,
    /// A secret (a signing secret, a password, a token): every runtime keeps it out of its
    /// printed forms, while the attribute still reads it.
    pub secret: bool,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Body,
    Header,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub location: Location,
    pub ty: Ty,
    pub required: bool,
    pub default: Option<serde_json::Value>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    pub nullable: bool,
    /// Sent empty when not given.
    pub always: bool,
    pub aliases: Vec<String>,
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Model(String),
    List(String),
    Empty,
    Bytes,
    EventStream(String),
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    pub resource: String,
    pub method: String,
    pub http_method: String,
    pub path: String,
    pub doc: String,
    pub response: Response,
    pub nullable: bool,
    pub status: u16,
    pub acts: bool,
    /// Reaches people or the carrier, or spends money.
    pub world: bool,
    pub auth: bool,
    /// The official Python SDK has it.
    pub official: bool,
    pub paging: Option<Paging>,
    pub items: String,
    pub one_of: Vec<String>,
    /// Optional parameters of which at least one must be given (the API checks; tool schemas say so).
    pub any_of: Vec<String>,
    /// Optional parameters that exclude each other: at most one may be given.
    pub at_most_one: Vec<String>,
    /// Bounds on the characters of strings inside arguments, by path (`buttons[]`, `cta.display_text`).
    pub text_limits: Vec<TextLimit>,
    pub params: Vec<Param>,
}

impl Operation {
    /// `CreateAgentParams`.
    pub fn params_type(&self) -> String {
        format!("{}Params", self.id.to_upper_camel_case())
    }

    /// `CREATE_AGENT`.
    pub fn const_name(&self) -> String {
        self.id.to_uppercase()
    }

    pub fn params_in(&self, location: Location) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(move |p| p.location == location)
    }
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub resources: Vec<Resource>,
    pub enums: Vec<EnumDef>,
    pub models: Vec<Model>,
    pub operations: Vec<Operation>,
}

impl Spec {
    pub fn enum_def(&self, name: &str) -> Option<&EnumDef> {
        self.enums.iter().find(|e| e.name == name)
    }

    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }

    pub fn operations_of<'a>(&'a self, resource: &'a str) -> impl Iterator<Item = &'a Operation> {
        self.operations.iter().filter(move |op| op.resource == resource)
    }
}

/// Reads and checks both files under `dir`.
pub fn load(dir: &Path) -> Result<Spec, String> {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()));
    let ops: OperationsFile = toml::from_str(&read("operations.toml")?).map_err(|e| format!("operations.toml: {e}"))?;
    let models: ModelsFile = toml::from_str(&read("models.toml")?).map_err(|e| format!("models.toml: {e}"))?;

    let enum_names: BTreeSet<String> = models.enums.iter().map(|e| e.name.clone()).collect();
    let model_names: BTreeSet<String> = models.models.iter().map(|m| m.name.clone()).collect();
    let resolve =
        |ty: &str, context: &str| parse_type(ty, &enum_names, &model_names).ok_or_else(|| format!("{context}: unknown type {ty:?}"));

    let mut resolved_models = Vec::new();
    for model in &models.models {
        let mut fields = Vec::new();
        let mut wires = BTreeSet::new();
        for field in &model.fields {
            let context = format!("model {}.{}", model.name, field.name);
            let wire = field.wire.clone().unwrap_or_else(|| wire_name(&field.name, model.casing));
            if !wires.insert(wire.clone()) {
                return Err(format!("{context}: wire name {wire:?} used twice"));
            }
            fields.push(Field {
                name: field.name.clone(),
                ty: resolve(&field.ty, &context)?,
                aliases: field.aliases.iter().filter(|a| **a != wire).cloned().collect(),
                wire,
                required: field.required,
                doc: field.doc.clone(),
                secret: field.secret,
            });
        }
        resolved_models.push(Model { name: model.name.clone(), doc: model.doc.clone(), fields });
    }

    let resource_names: BTreeSet<&str> = ops.resource.iter().map(|r| r.name.as_str()).collect();
    let mut ids = BTreeSet::new();
    let mut verbs = BTreeSet::new();
    let mut operations = Vec::new();
    for raw in &ops.operation {
        let context = format!("operation {}", raw.id);
        if !ids.insert(raw.id.clone()) {
            return Err(format!("{context}: id used twice"));
        }
        if !resource_names.contains(raw.resource.as_str()) {
            return Err(format!("{context}: unknown resource {:?}", raw.resource));
        }
        if !verbs.insert((raw.resource.clone(), raw.method.clone())) {
            return Err(format!("{context}: {}.{} used twice", raw.resource, raw.method));
        }
        let (http_method, path) = raw.http.split_once(' ').ok_or_else(|| format!("{context}: http must be \"METHOD /path\""))?;
        if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&http_method) {
            return Err(format!("{context}: unsupported method {http_method}"));
        }
        let acts = match (http_method, raw.acts) {
            ("POST", None) => return Err(format!("{context}: every POST must say whether it acts (acts = true/false)")),
            (_, acts) => acts.unwrap_or(false),
        };
        let response = parse_response(&raw.response, &model_names).ok_or_else(|| format!("{context}: bad response {:?}", raw.response))?;
        let mut params = Vec::new();
        for name in path_params(path) {
            params.push(Param {
                wire: name.clone(),
                doc: format!("The {} of the {}.", "id", name.trim_end_matches("_id").replace('_', " ")),
                name,
                location: Location::Path,
                ty: Ty::String,
                required: true,
                default: None,
                min: None,
                max: None,
                min_len: Some(1),
                max_len: None,
                nullable: false,
                always: false,
                aliases: Vec::new(),
            });
        }
        for (location, list) in [(Location::Query, &raw.query), (Location::Body, &raw.body)] {
            for p in list {
                let context = format!("{context} param {}", p.name);
                let casing = if location == Location::Body { raw.casing } else { Casing::Camel };
                params.push(Param {
                    name: p.name.clone(),
                    wire: p.wire.clone().unwrap_or_else(|| wire_name(&p.name, casing)),
                    location,
                    ty: resolve(&p.ty, &context)?,
                    required: p.required,
                    default: p.default.as_ref().map(toml_to_json),
                    min: p.min,
                    max: p.max,
                    min_len: p.min_len,
                    max_len: p.max_len,
                    nullable: p.nullable,
                    always: p.always,
                    aliases: p.aliases.clone(),
                    doc: p.doc.clone(),
                });
            }
        }
        if raw.sub_account {
            params.push(Param {
                name: "sub_account_id".into(),
                wire: "X-Sub-Account-Id".into(),
                location: Location::Header,
                ty: Ty::String,
                required: false,
                default: None,
                min: None,
                max: None,
                min_len: Some(1),
                max_len: None,
                nullable: false,
                always: false,
                aliases: Vec::new(),
                doc: "Act for this sub-account (X-Sub-Account-Id).".into(),
            });
        }
        let mut names = BTreeSet::new();
        for p in &params {
            if !names.insert(p.name.clone()) {
                return Err(format!("{context}: parameter {} declared twice", p.name));
            }
        }
        for (key, names) in [("one_of", &raw.one_of), ("any_of", &raw.any_of), ("at_most_one", &raw.at_most_one)] {
            if let Some(name) = names.iter().find(|name| !params.iter().any(|p| &p.name == *name && !p.required)) {
                return Err(format!("{context}: {key} names {name:?}, which is not an optional parameter"));
            }
        }
        for limit in &raw.text_limits {
            let head = limit.path.split(['.', '[']).next().unwrap_or_default();
            if !params.iter().any(|p| p.name == head) {
                return Err(format!("{context}: text_limits path {:?} does not start at a parameter", limit.path));
            }
        }
        if raw.pages.is_some() && !matches!(response, Response::Model(_)) {
            return Err(format!("{context}: paged operations return a page model"));
        }
        operations.push(Operation {
            id: raw.id.clone(),
            resource: raw.resource.clone(),
            method: raw.method.clone(),
            http_method: http_method.to_owned(),
            path: path.to_owned(),
            doc: raw.doc.clone(),
            response,
            nullable: raw.nullable,
            status: raw.status.unwrap_or(200),
            acts,
            world: raw.world,
            auth: raw.auth,
            official: raw.official,
            paging: raw.pages,
            items: raw.items.clone().unwrap_or_else(|| "data".into()),
            one_of: raw.one_of.clone(),
            any_of: raw.any_of.clone(),
            at_most_one: raw.at_most_one.clone(),
            text_limits: raw.text_limits.clone(),
            params,
        });
    }
    Ok(Spec { resources: ops.resource, enums: models.enums, models: resolved_models, operations })
}

fn wire_name(name: &str, casing: Casing) -> String {
    match casing {
        Casing::Camel => name.to_lower_camel_case(),
        Casing::Snake => name.to_owned(),
    }
}

fn path_params(path: &str) -> Vec<String> {
    path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).map(str::to_owned).collect()
}

fn parse_type(ty: &str, enums: &BTreeSet<String>, models: &BTreeSet<String>) -> Option<Ty> {
    Some(match ty {
        "string" => Ty::String,
        "int" => Ty::Int,
        "float" => Ty::Float,
        "bool" => Ty::Bool,
        "json" => Ty::Json,
        "object" => Ty::Object,
        "phone" => Ty::Phone,
        "recipient" => Ty::Recipient,
        "url" => Ty::Url,
        "map<string>" => Ty::StringMap,
        other => {
            if let Some(inner) = other.strip_prefix("list<").and_then(|s| s.strip_suffix('>')) {
                Ty::List(Box::new(parse_type(inner, enums, models)?))
            } else if enums.contains(other) {
                Ty::Enum(other.to_owned())
            } else if models.contains(other) {
                Ty::Model(other.to_owned())
            } else {
                return None;
            }
        }
    })
}

fn parse_response(text: &str, models: &BTreeSet<String>) -> Option<Response> {
    let model = |name: &str| models.contains(name).then(|| name.to_owned());
    Some(match text {
        "empty" => Response::Empty,
        "bytes" => Response::Bytes,
        other => {
            if let Some(inner) = other.strip_prefix("list<").and_then(|s| s.strip_suffix('>')) {
                Response::List(model(inner)?)
            } else if let Some(inner) = other.strip_prefix("sse<").and_then(|s| s.strip_suffix('>')) {
                Response::EventStream(model(inner)?)
            } else {
                Response::Model(model(other)?)
            }
        }
    })
}

fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Value::from(*f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Array(items) => serde_json::Value::Array(items.iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => serde_json::Value::Object(table.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
    }
}

/// Counts for the summary line.
pub fn summary(spec: &Spec) -> BTreeMap<&'static str, usize> {
    BTreeMap::from([("operations", spec.operations.len()), ("models", spec.models.len()), ("enums", spec.enums.len())])
}
