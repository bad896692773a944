//! `agentphone mcp`: a Model Context Protocol server over stdio (rmcp) whose tools are the
//! operation table's (`agentphone::ffi::tools`), with the composite `account_overview`. Results are
//! structured content; a model's mistake is a tool error written for the model, not a protocol
//! error. Stdout carries the protocol, so nothing else may print there.

use std::sync::Arc;

use agentphone::Client;
use agentphone::ffi::tools::{self, ToolFilter};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult, PaginatedRequestParams,
    ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};

#[derive(Clone)]
struct AgentPhoneServer {
    client: Client,
    filter: Arc<ToolFilter>,
    tools: Arc<Vec<Tool>>,
}

/// An MCP tool from a table tool: name, title, schema, and the hints clients show before running it.
fn mcp_tool(tool: &tools::Tool) -> Tool {
    let schema = match &tool.input_schema {
        serde_json::Value::Object(map) => map.clone(),
        _ => serde_json::Map::new(),
    };
    let annotations = ToolAnnotations::with_title(tool.title.clone())
        .read_only(tool.read_only)
        .destructive(tool.destructive)
        .idempotent(tool.idempotent)
        .open_world(tool.world_acting);
    Tool::new(tool.name.clone(), tool.description.clone(), Arc::new(schema)).with_title(tool.title.clone()).with_annotations(annotations)
}

impl ServerHandler for AgentPhoneServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("agentphone", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "AgentPhone: phone numbers, SMS/iMessage, voice calls and transcripts for AI agents. Start with account_overview. \
                 Tools marked destructive or open-world reach real people or spend money: confirm with the user first.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    async fn call_tool(&self, request: CallToolRequestParams, _context: RequestContext<RoleServer>) -> Result<CallToolResponse, ErrorData> {
        let arguments = request.arguments.map_or(serde_json::Value::Null, serde_json::Value::Object);
        let output = tools::call(&self.client, &self.filter, &request.name, arguments).await;
        let text = output.content.to_string();
        let mut result =
            if output.is_error { CallToolResult::structured_error(output.content) } else { CallToolResult::structured(output.content) };
        result.content = vec![ContentBlock::text(text)];
        Ok(result.into())
    }
}

/// Serves until the client closes stdin.
pub(crate) async fn serve(client: Client, filter: ToolFilter) -> Result<(), String> {
    let tools = filter.select().into_iter().map(mcp_tool).collect();
    let server = AgentPhoneServer { client, filter: Arc::new(filter), tools: Arc::new(tools) };
    let running = server.serve(rmcp::transport::stdio()).await.map_err(|e| format!("MCP session did not start: {e}"))?;
    running.waiting().await.map_err(|e| format!("MCP session ended badly: {e}"))?;
    Ok(())
}
