//! The functions every binding exports beside its client classes, declared once: each is a call
//! into `agentphone::ffi`, and the generator writes it for pyo3, napi-rs and wasm-bindgen with
//! that runtime's types. The binding crates keep only their conversion helpers (`helper`,
//! `to_json`/`to_py` in Python, `from_js`/`to_js`/`unix_seconds` in wasm).

use std::fmt::Write;

/// What a parameter is, which each runtime spells in its own types.
#[derive(Clone, Copy)]
enum Kind {
    Bytes,
    Str,
    OptStr,
    StrList,
    OptF64,
    /// Unix seconds (a JavaScript number in wasm).
    Unix,
    OptUnix,
    /// Any JSON value (a dict, list or object of the runtime).
    Json,
    /// A cancellation token (a small whole number).
    Token,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Returns {
    Unit,
    Str,
    F64,
    Json,
    Token,
}

struct Export {
    /// snake_case; JavaScript gets it in camelCase.
    name: &'static str,
    doc: &'static str,
    /// The call into the core, `{}` standing for the arguments and `{naming}` (if present) for the
    /// runtime's naming of attributes.
    call: &'static str,
    params: &'static [(&'static str, Kind, Option<&'static str>)],
    returns: Returns,
    /// Fails with a `HelperError`.
    fallible: bool,
    python: bool,
    javascript: bool,
}

const DELIVERY: &[(&str, Kind, Option<&str>)] = &[
    ("payload", Kind::Bytes, None),
    ("signature", Kind::OptStr, None),
    ("timestamp", Kind::OptStr, None),
    ("secrets", Kind::StrList, None),
    ("tolerance", Kind::OptF64, None),
    ("now", Kind::OptUnix, Some("None")),
];

const EXPORTS: &[Export] = &[
    Export {
        name: "verify",
        doc: "Verifies a delivery; fails when it does not verify.",
        call: "agentphone::ffi::webhooks::verify_delivery({})",
        params: DELIVERY,
        returns: Returns::Unit,
        fallible: true,
        python: true,
        javascript: true,
    },
    Export {
        name: "construct_event",
        doc: "Verifies, then parses, a delivery: the event with its envelope unpacked.",
        call: "agentphone::ffi::webhooks::construct_delivery({}, {naming})",
        params: DELIVERY,
        returns: Returns::Json,
        fallible: true,
        python: true,
        javascript: true,
    },
    Export {
        name: "sign",
        doc: "The signature header value for a payload (to test your own endpoint).",
        call: "agentphone::webhook::sign({})",
        params: &[("secret", Kind::Str, None), ("timestamp", Kind::Unix, None), ("payload", Kind::Bytes, None)],
        returns: Returns::Str,
        fallible: false,
        python: true,
        javascript: true,
    },
    Export {
        name: "default_tolerance",
        doc: "How old a delivery may be when no tolerance is given, in seconds.",
        call: "agentphone::ffi::webhooks::default_tolerance({})",
        params: &[],
        returns: Returns::F64,
        fallible: false,
        python: false,
        javascript: true,
    },
    Export {
        name: "voice_json",
        doc: "One voice reply as its JSON body.",
        call: "agentphone::ffi::webhooks::voice_json({})",
        params: &[("reply", Kind::Json, None)],
        returns: Returns::Str,
        fallible: true,
        python: true,
        javascript: true,
    },
    Export {
        name: "voice_ndjson",
        doc: "Replies as one NDJSON body, all but the last `interim`.",
        call: "agentphone::ffi::webhooks::voice_ndjson({})",
        params: &[("replies", Kind::Json, None)],
        returns: Returns::Str,
        fallible: true,
        python: true,
        javascript: true,
    },
    Export {
        name: "parse_voice_reply",
        doc: "Reads a voice webhook's answer (JSON or NDJSON) into replies, as the platform does.",
        call: "agentphone::ffi::webhooks::parse_voice_replies({})",
        params: &[("body", Kind::Bytes, None), ("content_type", Kind::OptStr, Some("None"))],
        returns: Returns::Json,
        fallible: true,
        python: true,
        javascript: false,
    },
    Export {
        name: "normalize_e164",
        doc: "Normalizes a phone number to E.164; a problem names `field`.",
        call: "agentphone::ffi::normalize_phone({})",
        params: &[("number", Kind::Str, None), ("field", Kind::Str, Some("\"phone_number\""))],
        returns: Returns::Str,
        fallible: true,
        python: true,
        javascript: false,
    },
    Export {
        name: "operations",
        doc: "The operation table: `{id, resource, method, isList}` per operation.",
        call: "agentphone::ffi::operations({})",
        params: &[],
        returns: Returns::Json,
        fallible: false,
        python: true,
        javascript: true,
    },
    Export {
        name: "tool_definitions",
        doc: "The tools a filter offers, in `format` (`openai` or `anthropic`).",
        call: "agentphone::ffi::tools::definitions_json({})",
        params: &[("format", Kind::Str, None), ("filter", Kind::Json, None)],
        returns: Returns::Json,
        fallible: true,
        python: true,
        javascript: true,
    },
    Export {
        name: "new_cancel_token",
        doc: "A token that cancels the call it is given to (`cancel`), and is released after it (`release_cancel`).",
        call: "agentphone::ffi::cancel::new_token({})",
        params: &[],
        returns: Returns::Token,
        fallible: false,
        python: false,
        javascript: true,
    },
    Export {
        name: "cancel",
        doc: "Cancels the call the token guards: its request stops, and nothing more is sent.",
        call: "agentphone::ffi::cancel::cancel({})",
        params: &[("token", Kind::Token, None)],
        returns: Returns::Unit,
        fallible: false,
        python: false,
        javascript: true,
    },
    Export {
        name: "release_cancel",
        doc: "Forgets a token once its call is over.",
        call: "agentphone::ffi::cancel::release({})",
        params: &[("token", Kind::Token, None)],
        returns: Returns::Unit,
        fallible: false,
        python: false,
        javascript: true,
    },
    Export {
        name: "max_depth",
        doc: "Deepest nesting an argument may have (values are checked before they cross).",
        call: "agentphone::ffi::max_depth({})",
        params: &[],
        returns: Returns::F64,
        fallible: false,
        python: false,
        javascript: true,
    },
    Export {
        name: "user_agent",
        doc: "The user agent the client sends.",
        call: "agentphone::ffi::user_agent({})",
        params: &[],
        returns: Returns::Str,
        fallible: false,
        python: false,
        javascript: true,
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Runtime {
    Python,
    Node,
    Wasm,
}

/// A parameter as the function declares it, and the expression that hands it to the core.
fn param(runtime: Runtime, name: &str, kind: Kind) -> (String, String) {
    use Runtime::{Node, Python, Wasm};
    let (ty, expr) = match (kind, runtime) {
        (Kind::Bytes, Node) => ("Buffer", format!("&{name}")),
        (Kind::Bytes, _) => ("&[u8]", name.to_owned()),
        (Kind::Str, Node) => ("String", format!("&{name}")),
        (Kind::Str, _) => ("&str", name.to_owned()),
        (Kind::OptStr, Python) => ("Option<&str>", name.to_owned()),
        (Kind::OptStr, _) => ("Option<String>", format!("{name}.as_deref()")),
        (Kind::StrList, _) => ("Vec<String>", name.to_owned()),
        (Kind::OptF64, _) => ("Option<f64>", name.to_owned()),
        (Kind::Unix, Wasm) => ("f64", format!("crate::unix_seconds({name})")),
        (Kind::Unix, _) => ("i64", name.to_owned()),
        (Kind::OptUnix, Wasm) => ("Option<f64>", format!("{name}.map(crate::unix_seconds)")),
        (Kind::OptUnix, _) => ("Option<i64>", name.to_owned()),
        (Kind::Json, Python) => ("&Bound<'_, PyAny>", format!("crate::from_python::to_json({name}, {name:?})?")),
        (Kind::Json, Node) => ("serde_json::Value", name.to_owned()),
        (Kind::Json, Wasm) => ("JsValue", format!("crate::from_js({name}, {name:?})?")),
        (Kind::Token, _) => ("u32", name.to_owned()),
    };
    (format!("{name}: {ty}"), expr)
}

/// What a function returns, in the runtime's types (before any `Result`).
fn return_type(runtime: Runtime, returns: Returns) -> &'static str {
    match (returns, runtime) {
        (Returns::Unit, _) => "()",
        (Returns::Str, _) => "String",
        (Returns::F64, _) => "f64",
        (Returns::Token, _) => "u32",
        (Returns::Json, Runtime::Python) => "Py<PyAny>",
        (Returns::Json, Runtime::Node) => "serde_json::Value",
        (Returns::Json, Runtime::Wasm) => "JsValue",
    }
}

fn camel(name: &str) -> String {
    heck::ToLowerCamelCase::to_lower_camel_case(name)
}

fn function(runtime: Runtime, export: &Export) -> String {
    let (mut signature, mut args) = (Vec::new(), Vec::new());
    if runtime == Runtime::Python && (export.fallible || export.returns == Returns::Json) {
        signature.push("py: Python<'_>".to_owned());
    }
    for &(name, kind, _) in export.params {
        let (declared, expr) = param(runtime, name, kind);
        signature.push(declared);
        args.push(expr);
    }
    let naming = if runtime == Runtime::Python { "Python" } else { "JavaScript" };
    let call = export.call.replace("{naming}", &format!("agentphone::ffi::errors::Naming::{naming}")).replace("{}", &args.join(", "));
    let (returns, body) = match runtime {
        Runtime::Python => {
            let ty = return_type(runtime, export.returns);
            let body = match (export.fallible, export.returns) {
                (true, Returns::Json) => {
                    format!("crate::to_python::to_py(py, &{call}.map_err(|e| crate::errors::helper_to_py_err(py, e))?)")
                }
                (true, _) => format!("{call}.map_err(|e| crate::errors::helper_to_py_err(py, e))"),
                (false, Returns::Json) => format!("crate::to_python::to_py(py, &{call})"),
                (false, _) => format!("Ok({call})"),
            };
            (format!("PyResult<{ty}>"), body)
        }
        Runtime::Node => {
            let ty = return_type(runtime, export.returns);
            if export.fallible { (format!("napi::Result<{ty}>"), format!("crate::helper({call})")) } else { (ty.to_owned(), call) }
        }
        Runtime::Wasm => {
            let ty = return_type(runtime, export.returns);
            match (export.fallible, export.returns) {
                (true, Returns::Json) => ("Result<JsValue, JsValue>".to_owned(), format!("crate::to_js(&crate::helper({call})?)")),
                (true, _) => (format!("Result<{ty}, JsValue>"), format!("crate::helper({call})")),
                (false, Returns::Json) => ("Result<JsValue, JsValue>".to_owned(), format!("crate::to_js(&{call})")),
                (false, _) => (ty.to_owned(), call),
            }
        }
    };
    let attributes = match runtime {
        Runtime::Python => {
            let params: Vec<String> = export
                .params
                .iter()
                .map(|(name, _, default)| default.map_or_else(|| (*name).to_owned(), |d| format!("{name} = {d}")))
                .collect();
            format!("#[pyfunction]\n#[pyo3(signature = ({}))]", params.join(", "))
        }
        Runtime::Node => format!("#[napi(js_name = {:?})]", camel(export.name)),
        Runtime::Wasm => format!("#[wasm_bindgen(js_name = {:?})]", camel(export.name)),
    };
    let visibility = if runtime == Runtime::Python { "pub(crate)" } else { "pub" };
    let arrow = if returns == "()" { String::new() } else { format!(" -> {returns}") };
    format!("/// {}\n{attributes}\n{visibility} fn {}({}){arrow} {{\n{body}\n}}\n\n", export.doc, export.name, signature.join(", "))
}

fn exported(runtime: Runtime) -> impl Iterator<Item = &'static Export> {
    EXPORTS.iter().filter(move |e| if runtime == Runtime::Python { e.python } else { e.javascript })
}

/// The Python binding's functions and the registration of each in the module.
pub fn python() -> String {
    let mut out =
        functions(Runtime::Python, "//! The functions of `agentphone_rs._native` beside its classes.\n\nuse pyo3::prelude::*;\n\n");
    out.push_str("/// Adds every function to the module.\npub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {\n");
    for export in exported(Runtime::Python) {
        let _ = writeln!(out, "module.add_function(wrap_pyfunction!({}, module)?)?;", export.name);
    }
    out.push_str("Ok(())\n}\n");
    out
}

/// The Node addon's functions.
pub fn node() -> String {
    functions(
        Runtime::Node,
        "//! The addon's functions beside its classes (the wasm build exports the same).\n\nuse napi::bindgen_prelude::Buffer;\nuse napi_derive::napi;\n\n",
    )
}

/// The wasm build's functions.
pub fn wasm() -> String {
    functions(
        Runtime::Wasm,
        "//! The wasm build's functions beside its classes (the Node addon exports the same).\n\nuse wasm_bindgen::prelude::*;\n\n",
    )
}

/// `head`, then every function the runtime exports.
fn functions(runtime: Runtime, head: &str) -> String {
    exported(runtime).fold(head.to_owned(), |out, export| out + &function(runtime, export))
}
