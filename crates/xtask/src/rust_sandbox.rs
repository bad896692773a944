//! The sandbox's route list: every operation of the table, bound to its handler.

use std::fmt::Write;

use crate::spec::Spec;

pub fn routes(spec: &Spec) -> String {
    let mut out = String::from(
        "//! Every operation of the table, served.\n\n\
         use std::sync::Arc;\n\n\
         use agentphone::generated::operations::*;\n\
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
