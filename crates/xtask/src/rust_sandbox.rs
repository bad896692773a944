//! The sandbox's route list (every operation of the table, bound to its handler) and the
//! parameter structs its handlers read requests into.

use std::fmt::Write;

use crate::spec::Spec;

pub fn routes(spec: &Spec) -> String {
    let mut out = String::from(
        "//! Every operation of the table, served.\n\n\
         use std::sync::Arc;\n\n\
         use agentphone::operations::*;\n\
\
         use crate::handlers;\n\
         use crate::serve::endpoint;\n\
         use crate::state::World;\n\n\
         pub(crate) fn api_routes() -> axum::Router<Arc<World>> {\naxum::Router::new()\n",
    );
    let mut paths: Vec<&str> = Vec::new();
    for op in &spec.operations {
        if !paths.contains(&op.path.as_str()) {
            paths.push(&op.path);
        }
    }
    for path in paths {
        let methods: Vec<String> = spec
            .operations
            .iter()
            .filter(|op| op.path == path)
            .map(|op| format!("{}(endpoint(&{}, handlers::{}::{}))", op.http_method.to_lowercase(), op.const_name(), op.resource, op.id))
            .collect();
        let _ = writeln!(out, ".route({path:?}, axum::routing::{})", methods.join("."));
    }
    out.push_str("}\n");
    out
}

/// The parameters of every operation as the sandbox reads them from a request.
pub fn requests(spec: &Spec) -> String {
    let mut out = String::from(
        "//! The parameters of every operation, read back from requests (every alias accepted,\n\
         //! unknown names refused) after the table's checker has judged them.\n\n\
         #![allow(dead_code)]\n\n\
         use agentphone::models::*;\n\
         use serde::{Deserialize, Serialize};\n\n",
    );
    for op in &spec.operations {
        out.push_str(&crate::rust_params::params_struct(op, crate::rust_params::Side::Server));
    }
    out
}
