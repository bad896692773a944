//! Python values as JSON, for the core.

use agentphone::{Error, ValidationError};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// The conversion recurses: a cycle (`d["self"] = d`) or a depth bomb is refused past this depth,
/// naming the argument, long before the stack could overflow.
use agentphone::ffi::MAX_DEPTH;

/// A Python value as JSON; `path` names where a value that JSON cannot carry was found (for the
/// arguments of a call, `arguments`: each one is then named by its own name).
pub(crate) fn to_json(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    read(value, path, path == "arguments", 0)
}

fn read(value: &Bound<'_, PyAny>, path: &str, arguments: bool, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        let field = if arguments { path.split(['.', '[']).nth(1).unwrap_or(path) } else { path.split(['.', '[']).next().unwrap_or(path) };
        let problem = format!("nested deeper than {MAX_DEPTH} levels (or it contains itself)");
        return Err(crate::errors::to_py_err(value.py(), Error::Validation(ValidationError::new(field, problem))));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = value.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(PyValueError::new_err(format!("{path}: the integer is too large")));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err(format!("{path}: {} is not a finite number", f.value())));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(Value::String(value.extract::<String>()?));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, item) in dict.iter() {
            let key: String = key.extract().map_err(|_| PyTypeError::new_err(format!("{path}: keys must be strings")))?;
            let item = read(&item, &format!("{path}.{key}"), arguments, depth + 1)?;
            map.insert(key, item);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value
            .try_iter()?
            .enumerate()
            .map(|(i, item)| read(&item?, &format!("{path}[{i}]"), arguments, depth + 1))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::Array(items));
    }
    // A model of this package: its payload as received.
    if let Ok(raw) = value.getattr("raw")
        && raw.is_instance_of::<PyDict>()
    {
        return read(&raw, path, arguments, depth + 1);
    }
    Err(PyTypeError::new_err(format!("{path}: {} cannot be sent as JSON", value.get_type().name()?)))
}
