//! The CLI's command table: every operation as `agentphone <resource> <verb>`, with its arguments.

use std::fmt::Write;

use heck::ToKebabCase;

use crate::spec::{Location, Param, Response, Spec, Ty};

fn kind(ty: &Ty) -> &'static str {
    match ty {
        Ty::String | Ty::Phone | Ty::Recipient | Ty::Url | Ty::Enum(_) => "Text",
        Ty::Int => "Int",
        Ty::Float => "Float",
        Ty::Bool => "Bool",
        Ty::List(inner) if matches!(inner.as_ref(), Ty::String | Ty::Phone | Ty::Recipient | Ty::Url | Ty::Enum(_)) => "List",
        Ty::List(_) | Ty::Json | Ty::Object | Ty::StringMap | Ty::Model(_) => "Json",
    }
}

fn help(p: &Param, spec: &Spec) -> String {
    let mut help = p.doc.clone();
    let enum_name = match &p.ty {
        Ty::Enum(name) => Some(name),
        Ty::List(inner) => match inner.as_ref() {
            Ty::Enum(name) => Some(name),
            _ => None,
        },
        _ => None,
    };
    if let Some(e) = enum_name.and_then(|n| spec.enum_def(n)) {
        let _ = write!(help, " [{}]", e.values.join(", "));
    }
    if p.nullable {
        help.push_str(" (`null` clears it)");
    }
    if let Some(default) = &p.default {
        let _ = write!(help, " [server default: {default}]");
    }
    help
}

pub fn commands(spec: &Spec) -> String {
    let mut out = String::from(
        "//! Every operation of the table as a command.\n\nuse agentphone::operations::*;\n\nuse crate::table::{ArgKind, ArgSpec, CommandSpec, ResourceSpec};\n\npub(crate) static RESOURCES: &[ResourceSpec] = &[\n",
    );
    for resource in &spec.resources {
        let _ = writeln!(out, "ResourceSpec {{ name: {:?}, about: {:?}, commands: &[", resource.name.to_kebab_case(), resource.doc);
        for op in spec.operations_of(&resource.name) {
            let args: Vec<String> = op
                .params
                .iter()
                .map(|p| {
                    let strict = match &p.ty {
                        Ty::Enum(name) => spec.enum_def(name).filter(|e| e.strict).map(|e| e.values.clone()).unwrap_or_default(),
                        _ => Vec::new(),
                    };
                    format!(
                        "ArgSpec {{ name: {:?}, flag: {:?}, help: {:?}, kind: ArgKind::{}, required: {}, positional: {}, values: &{:?} }}",
                        p.name,
                        p.name.to_kebab_case(),
                        help(p, spec),
                        kind(&p.ty),
                        p.required,
                        p.location == Location::Path,
                        strict
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "CommandSpec {{ operation: &{}, name: {:?}, about: {:?}, binary: {}, stream: {}, args: &[{}] }},",
                op.const_name(),
                op.method.to_kebab_case(),
                op.doc,
                op.response == Response::Bytes,
                matches!(op.response, Response::EventStream(_)),
                args.join(", ")
            );
        }
        out.push_str("] },\n");
    }
    out.push_str("];\n");
    out
}
