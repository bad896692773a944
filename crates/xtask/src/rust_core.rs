//! The core crate's generated modules (models, the table's rows, parameter structs, resource
//! methods, model shapes) and the fuzz crate's typed decoders.

use std::fmt::Write;

use heck::ToUpperCamelCase;

use crate::spec::{Location, Model, Operation, Paging, Param, Response, Spec, Ty};

/// Rust identifiers that need `r#`.
fn ident(name: &str) -> String {
    match name {
        "type" | "match" | "move" | "ref" | "self" | "static" | "struct" | "use" | "where" | "loop" | "fn" | "mod" | "in" => {
            format!("r#{name}")
        }
        _ => name.to_owned(),
    }
}

fn doc_attr(doc: &str) -> String {
    if doc.is_empty() { String::new() } else { format!("#[doc = {doc:?}]\n") }
}

/// The Rust type of a model field or parameter value.
fn rust_type(ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Phone | Ty::Url => "String".into(),
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
    let _ = writeln!(out, "#[derive(Debug, Clone, {}PartialEq, Serialize, Deserialize)]", if defaultable { "Default, " } else { "" });
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
    out
}

/// The type a parameter has in its struct.
fn param_type(p: &Param) -> String {
    let ty = rust_type(&p.ty);
    match (p.required, p.nullable) {
        (true, _) => ty,
        (false, false) => format!("Option<{ty}>"),
        (false, true) => format!("Option<Option<{ty}>>"),
    }
}

fn output_type(op: &Operation) -> String {
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

fn opt_lit<T: std::fmt::Debug>(value: Option<T>) -> String {
    match value {
        Some(v) => format!("Some({v:?})"),
        None => "None".into(),
    }
}

fn param_doc(p: &Param) -> String {
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
         use crate::table::{Method, Operation, PageShape, ParamInfo, ParamLocation, ResponseKind, Shape, ValueType};\n\n",
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
                    "ParamInfo {{ name: {:?}, wire: {:?}, location: ParamLocation::{:?}, ty: {}, required: {}, nullable: {}, min: {}, max: {}, min_len: {}, max_len: {}, aliases: &[{}] }}",
                    p.name,
                    p.wire,
                    p.location,
                    value_type(&p.ty, spec),
                    p.required,
                    p.nullable,
                    opt_lit(p.min),
                    opt_lit(p.max),
                    opt_lit(p.min_len.map(|n| n as usize)),
                    opt_lit(p.max_len.map(|n| n as usize)),
                    aliases.join(", ")
                )
            })
            .collect();
        let one_of: Vec<String> = op.one_of.iter().map(|n| format!("{n:?}")).collect();
        let (shape, page) = answer_shape(op, spec);
        let _ = writeln!(
            out,
            "#[doc = {:?}]\npub static {}: Operation = Operation {{ id: {:?}, index: {index}, resource: {:?}, name: {:?}, method: Method::{}, path: {:?}, acts: {}, auth: {}, response: ResponseKind::{}, status: {}, params: &[{}], one_of: &[{}], shape: {shape}, page: {page}, doc: {:?} }};\n",
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
            one_of.join(", "),
            op.doc
        );
    }
    let list: Vec<String> = spec.operations.iter().map(|op| format!("&{}", op.const_name())).collect();
    let _ = writeln!(
        out,
        "/// Every operation of the table, in table order.\npub static OPERATIONS: &[&Operation] = &[{}];\n",
        list.join(", ")
    );

    out
}

/// The typed parameter structs of the Rust API, with their requests, answers and pages.
pub fn params(spec: &Spec) -> String {
    let mut out = String::from(
        "//! The parameters of every operation, as typed structs.\n\n\
         use serde::Serialize;\n\n\
         use crate::error::{Result, ValidationError};\n\
         use crate::generated::models::*;\n\
         use crate::generated::operations::*;\n\
         use crate::pagination::{CursorPaged, OffsetPaged, Page};\n\
         use crate::request::{Endpoint, Request, RequestParts};\n\
         use crate::response::RawResponse;\n\
         use crate::table::Operation;\n\n",
    );
    for op in &spec.operations {
        out.push_str(&params_struct(op, Side::Client));
        out.push_str(&request_impl(op));
        if !matches!(op.response, Response::EventStream(_)) {
            out.push_str(&endpoint_impl(op));
        }
        if let Some(paging) = op.paging {
            out.push_str(&paged_impl(op, paging, spec));
        }
    }
    out
}

/// Who a parameter struct is for: the client writes it (Serialize), a server reads it back
/// (Deserialize, refusing unknown names and accepting every alias; Serialize too, for handlers
/// that store what was given).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

pub fn params_struct(op: &Operation, side: Side) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#[doc = {:?}]", format!("Parameters of `{}.{}`: {}", op.resource, op.method, op.doc));
    let defaultable = !op.params.iter().any(|p| p.required && matches!(p.ty, Ty::Enum(_)));
    let (derive, visibility) = match side {
        Side::Client => (format!("#[derive(Debug, Clone, {}PartialEq, Serialize)]", if defaultable { "Default, " } else { "" }), "pub"),
        Side::Server => ("#[derive(Debug, Clone, Serialize, Deserialize)]\n#[serde(deny_unknown_fields)]".to_owned(), "pub(crate)"),
    };
    let _ = writeln!(out, "{derive}\n{visibility} struct {} {{", op.params_type());
    for p in &op.params {
        out.push_str(&doc_attr(&param_doc(p)));
        let mut attrs = Vec::new();
        if side == Side::Server {
            let camel = heck::ToLowerCamelCase::to_lower_camel_case(p.name.as_str());
            if camel != p.name {
                attrs.push(format!("alias = {camel:?}"));
            }
            attrs.extend(p.aliases.iter().map(|a| format!("alias = {a:?}")));
            if !p.required {
                attrs.push("default".into());
                attrs.push("skip_serializing_if = \"Option::is_none\"".into());
            }
            if p.nullable {
                attrs.push("deserialize_with = \"crate::wire::nullable\"".into());
            }
        } else if !p.required {
            attrs.push("skip_serializing_if = \"Option::is_none\"".into());
        }
        if !attrs.is_empty() {
            let _ = writeln!(out, "#[serde({})]", attrs.join(", "));
        }
        let _ = writeln!(out, "{visibility} {}: {},", ident(&p.name), param_type(p));
    }
    out.push_str("}\n\n");
    out
}

fn request_impl(op: &Operation) -> String {
    // JSON has no NaN or infinity (serde_json writes them as null, "not given"): floats are
    // checked before the struct becomes JSON for the checker.
    let mut finite = String::new();
    for p in op.params.iter().filter(|p| p.ty == Ty::Float) {
        let (field, name) = (&p.name, ident(&p.name));
        let check = format!("crate::validate::float_range({field:?}, value, None, None)?;");
        let _ = writeln!(
            finite,
            "{}",
            match (p.required, p.nullable) {
                (true, _) => format!("{{ let value = self.{name}; {check} }}"),
                (false, false) => format!("if let Some(value) = self.{name} {{ {check} }}"),
                (false, true) => format!("if let Some(Some(value)) = self.{name} {{ {check} }}"),
            }
        );
    }
    format!(
        "impl Request for {} {{\nfn operation(&self) -> &'static Operation {{ &{} }}\n\nfn to_request(&self) -> Result<RequestParts, ValidationError> {{ {finite}crate::arguments::build_params(self) }}\n}}\n\n",
        op.params_type(),
        op.const_name()
    )
}

fn endpoint_impl(op: &Operation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "impl Endpoint for {} {{\ntype Output = {};\n", op.params_type(), output_type(op));
    let decode = match &op.response {
        Response::Model(_) if op.nullable => "response.nullable_json()",
        Response::Model(_) | Response::List(_) => "response.json()",
        Response::Empty => "{ let _ = response; Ok(()) }",
        Response::Bytes => "response.binary()",
        Response::EventStream(_) => unreachable!("event streams have their own transport"),
    };
    let _ = writeln!(out, "fn decode(response: RawResponse) -> Result<Self::Output> {{ {decode} }}\n}}\n");
    out
}

/// The item type of a page model's list field.
fn page_item<'a>(op: &Operation, spec: &'a Spec) -> (&'a Model, String) {
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

fn paged_impl(op: &Operation, paging: Paging, spec: &Spec) -> String {
    let (model, item) = page_item(op, spec);
    let has = |name: &str| model.fields.iter().any(|f| f.name == name);
    let has_more = if has("has_more") { "output.has_more" } else { "None" };
    let total = if has("total") { "output.total" } else { "None" };
    let page = format!("Page {{ items: output.{}, has_more: {has_more}, total: {total} }}", op.items);
    let mut out = String::new();
    match paging {
        Paging::Offset => {
            let _ = writeln!(
                out,
                "impl OffsetPaged for {} {{\ntype Item = {item};\nfn offset(&self) -> i64 {{ self.offset.unwrap_or(0) }}\nfn set_offset(&mut self, offset: i64) {{ self.offset = Some(offset); }}\nfn page_of(&self, output: {}) -> Page<{item}> {{ {page} }}\n}}\n",
                op.params_type(),
                model.name
            );
        }
        Paging::Cursor => {
            let item_model = spec.model(&item).expect("page items are models");
            assert!(item_model.fields.iter().any(|f| f.name == "received_at"), "{}: cursor items need received_at", op.id);
            let _ = writeln!(
                out,
                "impl CursorPaged for {} {{\ntype Item = {item};\nfn set_before(&mut self, before: String) {{ self.before = Some(before); }}\nfn page_of(&self, output: {}) -> Page<{item}> {{ {page} }}\nfn cursor<'i>(&self, item: &'i {item}) -> Option<&'i str> {{ item.received_at.as_deref() }}\nfn id<'i>(&self, item: &'i {item}) -> &'i str {{ &item.id }}\n}}\n",
                op.params_type(),
                model.name
            );
        }
    }
    out
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

/// The fuzz crate's typed reader of every answer: the `decode_responses` target checks that the
/// bindings' by-shape reader agrees with what Rust callers of the typed API get.
pub fn typed_decoders(spec: &Spec) -> String {
    let mut out = String::from(
        "//! Every answer read through the typed models, by operation.\n\n\
         use agentphone::params::*;\n\
         use agentphone::request::Endpoint;\n\
         use agentphone::{RawResponse, Result};\n\n\
         /// The answer to `id` decoded by its typed model and written back as JSON (`None` for an\n\
         /// event stream, which has no single answer).\n\
         pub fn decode_typed(id: &str, response: RawResponse) -> Option<Result<serde_json::Value>> {\n\
         fn json<E: Endpoint>(response: RawResponse) -> Result<serde_json::Value> where E::Output: serde::Serialize {\n\
         E::decode(response).map(|output| serde_json::to_value(output).expect(\"models encode as JSON\"))\n}\n\
         Some(match id {\n",
    );
    for op in &spec.operations {
        match op.response {
            Response::EventStream(_) => continue,
            Response::Bytes => {
                let _ = writeln!(
                    out,
                    "{:?} => {}::decode(response).map(|b| serde_json::json!({{\"contentType\": b.content_type, \"bytes\": b.data.len()}})),",
                    op.id,
                    op.params_type()
                );
            }
            _ => {
                let _ = writeln!(out, "{:?} => json::<{}>(response),", op.id, op.params_type());
            }
        }
    }
    out.push_str("_ => return None,\n})\n}\n");
    out
}

/// The static that holds a model's shape (`CallList` is `CALL_LIST`).
fn shape_static(model: &str) -> String {
    heck::ToShoutySnakeCase::to_shouty_snake_case(model)
}

fn shape_expr(ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Phone | Ty::Url | Ty::Enum(_) => "Shape::String".into(),
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
                    "FieldShape {{ wire: {:?}, aliases: &[{}], shape: {}, required: {} }}",
                    f.wire,
                    aliases.join(", "),
                    shape_expr(&f.ty),
                    f.required
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
