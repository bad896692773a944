//! The error classes (`spec/errors.toml`) in every runtime: the core's kind-to-class mapping and
//! attribute names, the Python exception classes, and the JavaScript Error classes with their
//! TypeScript declarations.

use std::fmt::Write;
use std::path::Path;

use heck::ToLowerCamelCase;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct File {
    error: Vec<ErrorClass>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorClass {
    pub name: String,
    pub parent: Option<String>,
    pub kind: Option<String>,
    #[serde(default)]
    pub python_bases: Vec<String>,
    pub doc: String,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub python: Option<String>,
    pub js: Option<String>,
}

impl Attribute {
    fn python_name(&self) -> String {
        self.python.clone().unwrap_or_else(|| self.name.clone())
    }

    fn js_name(&self) -> String {
        self.js.clone().unwrap_or_else(|| self.name.to_lower_camel_case())
    }

    fn python_type(&self) -> Result<String, String> {
        Ok(match self.ty.as_str() {
            "str" => "str".into(),
            "int" => "int".into(),
            "float" => "float".into(),
            "bool" => "bool".into(),
            "str?" => "Optional[str]".into(),
            "float?" => "Optional[float]".into(),
            "details" => "List[Dict[str, Optional[str]]]".into(),
            other => return Err(format!("errors.toml: {}: unknown type {other:?}", self.name)),
        })
    }

    fn ts_type(&self) -> Result<String, String> {
        Ok(match self.ty.as_str() {
            "str" => "string".into(),
            "int" | "float" => "number".into(),
            "bool" => "boolean".into(),
            "str?" => "string | null".into(),
            "float?" => "number | null".into(),
            "details" => "Array<{ field: string | null; message: string; type: string | null }>".into(),
            other => return Err(format!("errors.toml: {}: unknown type {other:?}", self.name)),
        })
    }
}

/// Reads `spec/errors.toml`: every parent is declared before its children.
pub fn load(dir: &Path) -> Result<Vec<ErrorClass>, String> {
    let text = std::fs::read_to_string(dir.join("errors.toml")).map_err(|e| format!("errors.toml: {e}"))?;
    let file: File = toml::from_str(&text).map_err(|e| format!("errors.toml: {e}"))?;
    for (i, class) in file.error.iter().enumerate() {
        if let Some(parent) = &class.parent
            && !file.error[..i].iter().any(|c| &c.name == parent)
        {
            return Err(format!("errors.toml: {}: its parent {parent} must come first", class.name));
        }
        for attribute in &class.attributes {
            attribute.python_type()?;
        }
    }
    Ok(file.error)
}

/// Every attribute once, whichever class declares it.
fn attributes(classes: &[ErrorClass]) -> Vec<&Attribute> {
    let mut all: Vec<&Attribute> = Vec::new();
    for attribute in classes.iter().flat_map(|c| &c.attributes) {
        if !all.iter().any(|a| a.name == attribute.name) {
            all.push(attribute);
        }
    }
    all
}

/// The core's side: which class each kind raises, and each attribute's name per runtime.
pub fn rust(classes: &[ErrorClass]) -> String {
    let mut out = String::from(
        "//! The error classes of `spec/errors.toml`, as the bindings name them.\n\n\
         use crate::error::ErrorKind;\n\n\
         /// The class every binding raises for an error of `kind`.\n\
         pub fn class_name(kind: ErrorKind) -> &'static str {\nmatch kind {\n",
    );
    for class in classes {
        if let Some(kind) = &class.kind {
            let _ = writeln!(out, "ErrorKind::{kind} => {:?},", class.name);
        }
    }
    out.push_str("}\n}\n\n/// The error attributes as each runtime names them: `(core, python, javascript)`.\npub const ATTRIBUTE_NAMES: &[(&str, &str, &str)] = &[\n");
    for attribute in attributes(classes) {
        let _ = writeln!(out, "({:?}, {:?}, {:?}),", attribute.name, attribute.python_name(), attribute.js_name());
    }
    out.push_str("];\n");
    out
}

/// The Python exception classes. The root keeps its attributes and pickles by value.
pub fn python(classes: &[ErrorClass], header: &str) -> Result<String, String> {
    let mut out = format!(
        "{header}\n\"\"\"The exceptions of agentphone_rs (from spec/errors.toml).\n\n\
         Every error is an ``AgentPhoneError``. Errors the server answered are ``APIError`` with a\n\
         subclass per status family; ``may_have_acted`` says whether the request may have taken effect\n\
         (a message sent, a call placed) even though it failed: check before repeating it.\n\"\"\"\n\n\
         from __future__ import annotations\n\n\
         # typing costs several ms to import; annotations are strings here, so it loads only for type checkers.\n\
         TYPE_CHECKING = False\n\
         if TYPE_CHECKING:\n    from typing import Any, Dict, List, Optional\n\n\
         __all__ = [\n"
    );
    for class in classes {
        let _ = writeln!(out, "    {:?},", class.name);
    }
    out.push_str("]\n");
    for class in classes {
        let mut bases: Vec<String> = class.parent.iter().cloned().collect();
        bases.extend(class.python_bases.iter().cloned());
        if class.parent.is_none() {
            bases.push("Exception".into());
        }
        let _ = write!(out, "\n\nclass {}({}):\n    \"\"\"{}\"\"\"\n", class.name, bases.join(", "), class.doc.replace('`', "``"));
        if !class.attributes.is_empty() {
            out.push('\n');
        }
        for attribute in &class.attributes {
            let default = if class.parent.is_none() { " = False" } else { "" };
            let _ = writeln!(out, "    {}: {}{default}", attribute.python_name(), attribute.python_type()?);
        }
        if class.parent.is_none() {
            out.push_str(
                "\n    def __init__(self, text: str, /, **attributes: Any) -> None:\n\
                 \x20       super().__init__(text)\n\
                 \x20       self._text = text\n\
                 \x20       self.message = text\n\
                 \x20       self._attributes = attributes\n\
                 \x20       for name, value in attributes.items():\n\
                 \x20           setattr(self, name, value)\n\n\
                 \x20   def __reduce__(self) -> Any:\n\
                 \x20       return (_rebuild, (type(self), self._text, self._attributes))\n\n\
                 \x20   def __str__(self) -> str:\n\
                 \x20       return self._text\n",
            );
            let _ = write!(
                out,
                "\n\ndef _rebuild(cls: type, text: str, attributes: Dict[str, Any]) -> {0}:\n    error: {0} = cls(text, **attributes)\n    return error\n",
                class.name
            );
        }
    }
    Ok(out)
}

/// The JavaScript Error classes; `toError` in `failure.js` picks one by the name the core gives.
pub fn javascript(classes: &[ErrorClass], header: &str) -> String {
    let mut out = format!("{header}\n// The errors of agentphone-rs (from spec/errors.toml).\n\n");
    for class in classes {
        let _ = writeln!(out, "/** {} */", class.doc);
        match &class.parent {
            None => {
                let _ = writeln!(
                    out,
                    "export class {} extends Error {{\n  constructor(message, attributes = {{}}) {{\n    super(message);\n    this.name = new.target.name;\n    this.mayHaveActed = false;\n    Object.assign(this, attributes);\n  }}\n}}",
                    class.name
                );
            }
            Some(parent) => {
                let _ = writeln!(out, "export class {} extends {parent} {{}}", class.name);
            }
        }
    }
    out
}

/// The TypeScript declarations of the Error classes.
pub fn typescript(classes: &[ErrorClass], header: &str) -> Result<String, String> {
    let mut out = format!("{header}\n// The errors of agentphone-rs (from spec/errors.toml).\n\n");
    for class in classes {
        let parent = class.parent.as_deref().unwrap_or("Error");
        let _ = writeln!(out, "/** {} */", class.doc);
        if class.attributes.is_empty() {
            let _ = writeln!(out, "export declare class {} extends {parent} {{}}", class.name);
            continue;
        }
        let _ = writeln!(out, "export declare class {} extends {parent} {{", class.name);
        for attribute in &class.attributes {
            let _ = writeln!(out, "  readonly {}: {};", attribute.js_name(), attribute.ts_type()?);
        }
        out.push_str("}\n");
    }
    Ok(out)
}
