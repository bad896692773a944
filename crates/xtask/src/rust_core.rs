//! The core crate's generated modules: models, the table's rows, resource methods and model
//! shapes (the parameter structs are `rust_params.rs`'s).

use std::fmt::Write;

use heck::ToUpperCamelCase;

use crate::spec::{Location, Model, Operation, Paging, Param, Response, Spec, Ty};

/// Rust identifiers that need `r#`.
pub(crate) fn ident(name: &str) -> String {
    match name {
        "type" | "match" | "move" | "ref" | "self" | "static" | "struct" | "use" | "where" | "loop" | "fn" | "mod" | "in" => {
            format!("r#{name}")
        }
        _ => name.to_owned(),
    }
}

pub(crate) fn doc_attr(doc: &str) -> String {
    if doc.is_empty() { String::new() } else { format!("#[doc = {doc:?}]\n") }
}

/// The Rust type of a model field or parameter value.
pub(crate) fn rust_type(ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Phone | Ty::Recipient | Ty::Url => "String".into(),
        Ty::Int => "i64".into(),
        Ty::Float => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Json => "serde_json::Value".into(),
        Ty::Object => "serde_json::Map<String, serde_json::Value>".into(),
        Ty::StringMap => "std::collections::BTreeMap<String, String>".into(),
        Ty::List(inner) => format!("Vec<{}>", rust_type(inner)),
        Ty::Enum(name) | Ty::Model(name) => name.clone(),
    }
}

pub fn models(spec: &Spec) -> String {
    let mut out = String::from("//! Models and enums of the AgentPhone API.\n\nuse serde::{Deserialize, Serialize};\n\n");
    for e in &spec.enums {
        let doc = if e.strict { format!("{} The server accepts only the listed values.", e.doc) } else { e.doc.clone() };
        // `Other(String)` holds unknown values, so a value named "other" becomes `OtherValue`.
        let variant = |v: &str| match v.to_upper_camel_case() {
            name if name == "Other" => "OtherValue".to_owned(),
            name => name,
        };
        let variants: Vec<String> = e.values.iter().map(|v| format!("{} = {v:?}", variant(v))).collect();
        let _ = writeln!(out, "crate::open_enum! {{\n{}{} {{ {} }}\n}}\n", doc_attr(&doc), e.name, variants.join(", "));
    }
    for model in &spec.models {
        out.push_str(&model_struct(model));
    }
    out
}

fn model_struct(model: &Model) -> String {
    let mut out = doc_attr(&model.doc);
    // An enum has no natural default, so a model that requires one cannot be `Default`.
    let defaultable = !model.fields.iter().any(|f| f.required && matches!(f.ty, Ty::Enum(_)));
    let secrets = model.fields.iter().any(|f| f.secret);
    let debug = if secrets { "" } else { "Debug, " };
    let _ = writeln!(out, "#[derive({debug}Clone, {}PartialEq, Serialize, Deserialize)]", if defaultable { "Default, " } else { "" });
    let _ = writeln!(out, "pub struct {} {{", model.name);
    for field in &model.fields {
        out.push_str(&doc_attr(&field.doc));
        let mut attrs = vec![format!("rename = {:?}", field.wire)];
        attrs.extend(field.aliases.iter().map(|a| format!("alias = {a:?}")));
        let ty = rust_type(&field.ty);
        let ty = if field.required {
            ty
        } else {
            attrs.push("default".into());
            attrs.push("skip_serializing_if = \"Option::is_none\"".into());
            format!("Option<{ty}>")
        };
        let _ = writeln!(out, "#[serde({})]\npub {}: {ty},", attrs.join(", "), ident(&field.name));
    }
    out.push_str("/// Fields the API sent that this SDK version does not know, kept as received.\n#[serde(flatten)]\npub extra: serde_json::Map<String, serde_json::Value>,\n}\n\n");
    if secrets {
        out.push_str(&redacting_debug(model));
    }
    out
}

/// `Debug` that shows a secret field as `[REDACTED]` (the field itself still holds it).
fn redacting_debug(model: &Model) -> String {
    let mut fields = String::new();
    for field in &model.fields {
        let name = ident(&field.name);
        let value = match (field.secret, field.required) {
            (false, _) => format!("&self.{name}"),
            (true, true) => "&\"[REDACTED]\"".to_owned(),
            (true, false) => format!("&self.{name}.as_ref().map(|_| \"[REDACTED]\")"),
        };
        let _ = write!(fields, ".field({:?}, {value})", field.name);
    }
    format!(
        "impl std::fmt::Debug for {} {{\nfn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\nf.debug_struct({:?}){fields}.field(\"extra\", &self.extra).finish()\n}}\n}}\n\n",
        model.name, model.name
    )
}

/// The type a parameter has in its struct.
pub(crate) fn param_type(p: &Param) -> String {
    let ty = rust_type(&p.ty);
    match (p.required, p.nullable) {
        (true, _) => ty,
        (false, false) => format!("Option<{ty}>"),
        (false, true) => format!("Option<Option<{ty}>>"),
    }
}

pub(crate) fn output_type(op: &Operation) -> String {
    match &op.response {
        Response::Model(m) if op.nullable => format!("Option<{m}>"),
        Response::Model(m) => m.clone(),
        Response::List(m) => format!("Vec<{m}>"),
        Response::Empty => "()".into(),
        Response::Bytes => "crate::BinaryContent".into(),
        Response::EventStream(m) => format!("Vec<{m}>"),
    }
}

fn response_kind(op: &Operation) -> &'static str {
    match &op.response {
        Response::Model(_) if op.nullable => "NullableJson",
        Response::Model(_) | Response::List(_) => "Json",
        Response::Empty => "Empty",
        Response::Bytes => "Bytes",
        Response::EventStream(_) => "EventStream",
    }
}

/// The checker's description of a parameter's type (`crate::arguments::ValueType`).
fn value_type(ty: &Ty, spec: &Spec) -> String {
    match ty {
        Ty::String => "ValueType::String".into(),
        Ty::Url => "ValueType::Url".into(),
        Ty::Phone => "ValueType::Phone".into(),
        Ty::Recipient => "ValueType::Recipient".into(),
        Ty::Int => "ValueType::Int".into(),
        Ty::Float => "ValueType::Float".into(),
        Ty::Bool => "ValueType::Bool".into(),
        Ty::Json => "ValueType::Json".into(),
        Ty::Object => "ValueType::Object".into(),
        Ty::StringMap => "ValueType::StringMap".into(),
        Ty::Enum(name) => {
            let strict = spec.enum_def(name).is_some_and(|e| e.strict);
            format!("ValueType::Enum {{ known: {name}::KNOWN, strict: {strict} }}")
        }
        Ty::List(inner) => format!("ValueType::List(&{})", value_type(inner, spec)),
        Ty::Model(name) => format!("ValueType::Model(&shapes::{})", shape_static(name)),
    }
}

fn method_variant(method: &str) -> String {
    method.to_lowercase().to_upper_camel_case()
}

pub(crate) fn opt_lit<T: std::fmt::Debug>(value: Option<T>) -> String {
    match value {
        Some(v) => format!("Some({v:?})"),
        None => "None".into(),
    }
}

pub(crate) fn param_doc(p: &Param) -> String {
    let mut doc = p.doc.clone();
    if p.required {
        doc.push_str(" Required.");
    }
    if let Some(default) = &p.default {
        let _ = write!(doc, " Server default: `{default}`.");
    }
    doc
}

pub fn operations(spec: &Spec) -> String {
    let mut out = String::from(
        "//! The rows of the operation table: each operation's facts and the rules of its parameters.\n\n\
         use crate::generated::models::*;\n\
         use crate::generated::shapes;\n\
         use crate::table::{Method, Operation, PageShape, ParamInfo, ParamLocation, ResponseKind, Shape, TextLimit, ValueType};\n\n",
    );
    for (index, op) in spec.operations.iter().enumerate() {
        let params: Vec<String> = op
            .params
            .iter()
            .map(|p| {
                let camel = heck::ToLowerCamelCase::to_lower_camel_case(p.name.as_str());
                let aliases: Vec<String> =
                    std::iter::once(camel).filter(|c| *c != p.name).chain(p.aliases.iter().cloned()).map(|a| format!("{a:?}")).collect();
                format!(
                    "ParamInfo {{ name: {:?}, wire: {:?}, location: ParamLocation::{:?}, ty: {}, required: {}, nullable: {}, always: {}, min: {}, max: {}, min_len: {}, max_len: {}, aliases: &[{}] }}",
                    p.name,
                    p.wire,
                    p.location,
                    value_type(&p.ty, spec),
                    p.required,
                    p.nullable,
                    p.always,
                    opt_lit(p.min),
                    opt_lit(p.max),
                    opt_lit(p.min_len.map(|n| n as usize)),
                    opt_lit(p.max_len.map(|n| n as usize)),
                    aliases.join(", ")
                )
            })
            .collect();
        let quoted = |names: &[String]| names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");
        let text_limits: Vec<String> =
            op.text_limits.iter().map(|l| format!("TextLimit {{ path: {:?}, max_chars: {} }}", l.path, l.max_chars)).collect();
        let (shape, page) = answer_shape(op, spec);
        let _ = writeln!(
            out,
            "#[doc = {:?}]\npub static {}: Operation = Operation {{ id: {:?}, index: {index}, resource: {:?}, name: {:?}, method: Method::{}, path: {:?}, acts: {}, auth: {}, response: ResponseKind::{}, status: {}, params: &[{}], one_of: &[{}], at_most_one: &[{}], text_limits: &[{}], shape: {shape}, page: {page} }};\n",
            format!("`{}.{}`: {}", op.resource, op.method, op.doc),
            op.const_name(),
            op.id,
            op.resource,
            op.method,
            method_variant(&op.http_method),
            op.path,
            op.acts,
            op.auth,
            response_kind(op),
            op.status,
            params.join(", "),
            quoted(&op.one_of),
            quoted(&op.at_most_one),
            text_limits.join(", "),
        );
    }
    let mut by_id: Vec<(&str, usize)> = spec.operations.iter().enumerate().map(|(i, op)| (op.id.as_str(), i)).collect();
    by_id.sort();
    let by_id: Vec<String> = by_id.iter().map(|(id, i)| format!("({id:?}, {i})")).collect();
    let _ = writeln!(
        out,
        "/// Every operation's id with its place in [`OPERATIONS`], sorted by id (for a binary search).\npub static BY_ID: &[(&str, usize)] = &[{}];\n",
        by_id.join(", ")
    );
    let list: Vec<String> = spec.operations.iter().map(|op| format!("&{}", op.const_name())).collect();
    let _ = writeln!(
        out,
        "/// Every operation of the table, in table order.\npub static OPERATIONS: &[&Operation] = &[{}];\n",
        list.join(", ")
    );

    out
}

/// The item type of a page model's list field.
pub(crate) fn page_item<'a>(op: &Operation, spec: &'a Spec) -> (&'a Model, String) {
    let Response::Model(name) = &op.response else { unreachable!("checked when the table was loaded") };
    let model = spec.model(name).expect("checked when the table was loaded");
    let items = model
        .fields
        .iter()
        .find(|f| f.name == op.items)
        .unwrap_or_else(|| panic!("{}: page model {} has no field {}", op.id, model.name, op.items));
    match &items.ty {
        Ty::List(inner) => match inner.as_ref() {
            Ty::Model(item) => (model, item.clone()),
            other => panic!("{}: page items must be models, not {other:?}", op.id),
        },
        other => panic!("{}: page field {} must be a list, not {other:?}", op.id, op.items),
    }
}

pub fn resources(spec: &Spec) -> String {
    let mut out = String::from(
        "//! Client methods, one resource at a time.\n\n\
         use futures_core::Stream;\n\n\
         use crate::client::Client;\n\
         use crate::error::Result;\n\
         use crate::generated::models::*;\n\
         use crate::generated::params::*;\n\n",
    );
    for resource in &spec.resources {
        let ty = format!("{}Resource", resource.name.to_upper_camel_case());
        let _ = writeln!(
            out,
            "{}#[derive(Debug, Clone, Copy)]\npub struct {ty}<'a> {{ client: &'a Client }}\n\nimpl Client {{\n{}pub fn {}(&self) -> {ty}<'_> {{ {ty} {{ client: self }} }}\n}}\n\nimpl {ty}<'_> {{",
            doc_attr(&resource.doc),
            doc_attr(&resource.doc),
            resource.name
        );
        for op in spec.operations_of(&resource.name) {
            if let Response::EventStream(model) = &op.response {
                let path: Vec<&Param> = op.params_in(Location::Path).collect();
                let args: String = path.iter().map(|p| format!(", {}: &str", ident(&p.name))).collect();
                let mut fields: Vec<String> = path.iter().map(|p| format!("{}: {}.to_owned()", ident(&p.name), ident(&p.name))).collect();
                if op.params.len() > path.len() {
                    fields.push("..Default::default()".into());
                }
                out.push_str(&doc_attr(&format!("{} Events arrive as the server sends them.", op.doc)));
                let _ = writeln!(
                    out,
                    "pub fn {}(&self{args}) -> impl Stream<Item = Result<{model}>> + 'static {{ futures_util::StreamExt::map(crate::events::events(self.client.clone(), {} {{ {} }}), |event| event.map({model}::from)) }}\n",
                    ident(&op.method),
                    op.params_type(),
                    fields.join(", ")
                );
                continue;
            }
            let output = output_type(op);
            out.push_str(&doc_attr(&op.doc));
            if op.params.iter().all(|p| matches!(p.location, Location::Path | Location::Header)) {
                let path: Vec<&Param> = op.params_in(Location::Path).collect();
                let args: String = path.iter().map(|p| format!(", {}: &str", ident(&p.name))).collect();
                let mut fields: Vec<String> = path.iter().map(|p| format!("{}: {}.to_owned()", ident(&p.name), ident(&p.name))).collect();
                if op.params.len() > path.len() {
                    fields.push("..Default::default()".into());
                }
                let _ = writeln!(
                    out,
                    "pub async fn {}(&self{args}) -> Result<{output}> {{ self.client.send(&{} {{ {} }}).await }}\n",
                    ident(&op.method),
                    op.params_type(),
                    fields.join(", ")
                );
            } else {
                let _ = writeln!(
                    out,
                    "pub async fn {}(&self, params: &{}) -> Result<{output}> {{ self.client.send(params).await }}\n",
                    ident(&op.method),
                    op.params_type()
                );
            }
            if let Some(paging) = op.paging {
                let (_, item) = page_item(op, spec);
                let func = match paging {
                    Paging::Offset => "offset_items",
                    Paging::Cursor => "cursor_items",
                };
                let _ = writeln!(
                    out,
                    "#[doc = {:?}]\npub fn {}_all(&self, params: {}) -> impl Stream<Item = Result<{item}>> + 'static {{ crate::pagination::{func}(self.client.clone(), params) }}\n",
                    format!("Every item of `{}`, fetching pages as they are consumed (cap with `StreamExt::take`).", op.method),
                    op.method,
                    op.params_type()
                );
            }
        }
        out.push_str("}\n\n");
    }
    out
}

/// The static that holds a model's shape (`CallList` is `CALL_LIST`).
fn shape_static(model: &str) -> String {
    heck::ToShoutySnakeCase::to_shouty_snake_case(model)
}

fn shape_expr(ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Phone | Ty::Recipient | Ty::Url | Ty::Enum(_) => "Shape::String".into(),
        Ty::Int => "Shape::Int".into(),
        Ty::Float => "Shape::Float".into(),
        Ty::Bool => "Shape::Bool".into(),
        Ty::Json => "Shape::Json".into(),
        Ty::Object => "Shape::Object".into(),
        Ty::StringMap => "Shape::StringMap".into(),
        Ty::List(inner) => format!("Shape::List(&{})", shape_expr(inner)),
        Ty::Model(name) => format!("Shape::Model(&{})", shape_static(name)),
    }
}

/// Every model as data, for reading answers by shape (`crate::shape`).
pub fn shapes(spec: &Spec) -> String {
    let mut out = String::from(
        "//! The models of the table as shapes, for reading answers by shape.\n\nuse crate::table::{FieldShape, ModelShape, Shape};\n\n",
    );
    for model in &spec.models {
        let fields: Vec<String> = model
            .fields
            .iter()
            .map(|f| {
                let aliases: Vec<String> = f.aliases.iter().map(|a| format!("{a:?}")).collect();
                format!(
                    "FieldShape {{ wire: {:?}, aliases: &[{}], shape: {}, required: {}, secret: {} }}",
                    f.wire,
                    aliases.join(", "),
                    shape_expr(&f.ty),
                    f.required,
                    f.secret
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "pub static {}: ModelShape = ModelShape {{ name: {:?}, fields: &[{}] }};\n",
            shape_static(&model.name),
            model.name,
            fields.join(", ")
        );
    }
    out
}

/// The shape of an operation's answer and, for lists, where its pages keep their items.
fn answer_shape(op: &Operation, spec: &Spec) -> (String, String) {
    let shape = match &op.response {
        Response::Model(m) => format!("Some(&Shape::Model(&shapes::{}))", shape_static(m)),
        Response::List(m) => format!("Some(&Shape::List(&Shape::Model(&shapes::{})))", shape_static(m)),
        Response::Empty | Response::Bytes | Response::EventStream(_) => "None".into(),
    };
    let Some(paging) = op.paging else { return (shape, "None".into()) };
    let (model, item) = page_item(op, spec);
    let wire = |model: &Model, name: &str| model.fields.iter().find(|f| f.name == name).map(|f| f.wire.clone());
    let items = wire(model, &op.items).expect("checked by page_item");
    let cursor = match paging {
        Paging::Offset => None,
        Paging::Cursor => wire(spec.model(&item).expect("page items are models"), "received_at"),
    };
    let page = format!(
        "Some(PageShape {{ items: {items:?}, has_more: {}, total: {}, cursor: {} }})",
        opt_lit(wire(model, "has_more")),
        opt_lit(wire(model, "total")),
        opt_lit(cursor)
    );
    (shape, page)
}
