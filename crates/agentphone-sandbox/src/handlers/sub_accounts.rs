//! Sub-accounts of a project.

use agentphone::models::*;

use crate::generated::requests::*;

use super::offset_page;
use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::ids::new_id;
use crate::time::iso;

pub(crate) fn list_sub_accounts(cx: &mut Cx<'_>, p: ListSubAccountsParams) -> Result<Reply, Failure> {
    let all: Vec<SubAccount> = cx.project().sub_accounts.values().cloned().collect();
    let page = offset_page(all, p.limit, p.offset, 20);
    Ok(Reply::json(SubAccountList { data: page.items, total: Some(page.total), ..Default::default() }))
}

pub(crate) fn create_sub_account(cx: &mut Cx<'_>, p: CreateSubAccountParams) -> Result<Reply, Failure> {
    let account = SubAccount { id: new_id("sa"), name: Some(p.name), created_at: Some(iso(cx.now)), ..Default::default() };
    cx.project().sub_accounts.insert(account.id.clone(), account.clone());
    Ok(Reply::json(account))
}

pub(crate) fn update_sub_account(cx: &mut Cx<'_>, p: UpdateSubAccountParams) -> Result<Reply, Failure> {
    let account = cx.project().sub_accounts.get_mut(&p.sub_account_id).ok_or_else(|| Failure::not_found("Sub-account"))?;
    account.name = Some(p.name);
    Ok(Reply::json(account.clone()))
}

pub(crate) fn delete_sub_account(cx: &mut Cx<'_>, p: DeleteSubAccountParams) -> Result<Reply, Failure> {
    cx.project().sub_accounts.shift_remove(&p.sub_account_id).ok_or_else(|| Failure::not_found("Sub-account"))?;
    Ok(Reply::json(SuccessResponse { success: Some(true), ..Default::default() }))
}
