//! The typed parameter structs: the core's (written by the client, with their requests, answers
//! and pages) and the sandbox's (read back from requests), and the fuzz crate's typed readers.

use std::fmt::Write;

use crate::rust_core::{doc_attr, ident, output_type, page_item, param_doc, param_type};
use crate::spec::{Operation, Paging, Response, Spec, Ty};

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
