//! Usage: plan limits and counters, all computed from what the project actually did.

use std::collections::BTreeMap;

use agentphone::models::*;

use crate::generated::requests::*;

use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::state::Project;
use crate::time::{day, iso, month};

const DAY: i64 = 86_400;

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM` of the month `back` months before `now`'s.
fn month_back(now: i64, back: i64) -> String {
    let current = month(now);
    let (year, mon): (i64, i64) = (current[..4].parse().unwrap_or(1970), current[5..7].parse().unwrap_or(1));
    let index = year * 12 + (mon - 1) - back;
    format!("{:04}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// Message, call and delivery times (unix seconds), for counting.
struct Activity {
    messages: Vec<(i64, Option<String>, String)>,
    calls: Vec<(i64, Option<String>, Option<String>, i64)>,
    deliveries: Vec<(i64, String)>,
}

fn activity(project: &Project) -> Activity {
    Activity {
        messages: project.messages.values().map(|m| (m.at_ms / 1000, m.agent_id.clone(), m.number_id.clone())).collect(),
        calls: project
            .calls
            .values()
            .map(|c| (c.started, c.call.agent_id.clone(), c.call.phone_number_id.clone(), c.call.duration_seconds.unwrap_or(0)))
            .collect(),
        deliveries: project.deliveries.iter().map(|d| (d.at, d.delivery.status.clone().unwrap_or_default())).collect(),
    }
}

pub(crate) fn get_usage(cx: &mut Cx<'_>, _p: GetUsageParams) -> Result<Reply, Failure> {
    let (now, limit) = (cx.now, cx.world.config.number_limit);
    let project = cx.project();
    let a = activity(project);
    let since = |days: i64| now - days * DAY;
    let messages_since = |days: i64| a.messages.iter().filter(|m| m.0 >= since(days)).count() as i64;
    let calls_since = |days: i64| a.calls.iter().filter(|c| c.0 >= since(days)).count() as i64;
    let segments = project
        .messages
        .values()
        .filter(|m| m.at_ms / 1000 >= since(30) && m.channel == Channel::Sms)
        .map(|m| ((m.body.chars().count() as i64 + 159) / 160).max(1))
        .sum();
    let used = project.numbers.values().filter(|n| n.status.as_deref() == Some("active")).count() as i64;
    let this_month = month(now);
    let (year, mon): (i64, i64) = (this_month[..4].parse().unwrap_or(1970), this_month[5..7].parse().unwrap_or(1));
    Ok(Reply::json(Usage {
        plan: Some(Plan {
            name: Some("sandbox".into()),
            limits: Some(PlanLimits {
                numbers: Some(limit),
                messages_per_month: Some(10_000),
                voice_minutes_per_month: Some(1_000),
                max_call_duration_minutes: Some(60),
                concurrent_calls: Some(super::calls::CONCURRENT_CALLS as i64),
                ..Default::default()
            }),
            ..Default::default()
        }),
        numbers: Some(NumberAllowance {
            used: Some(used),
            limit: Some(limit),
            remaining: Some((limit - used).max(0)),
            ..Default::default()
        }),
        stats: Some(UsageStats {
            total_messages: Some(a.messages.len() as i64),
            messages_last24h: Some(messages_since(1)),
            messages_last7d: Some(messages_since(7)),
            messages_last30d: Some(messages_since(30)),
            total_calls: Some(a.calls.len() as i64),
            calls_last24h: Some(calls_since(1)),
            calls_last7d: Some(calls_since(7)),
            calls_last30d: Some(calls_since(30)),
            total_webhook_deliveries: Some(a.deliveries.len() as i64),
            successful_webhook_deliveries: Some(a.deliveries.iter().filter(|d| d.1 == "success").count() as i64),
            failed_webhook_deliveries: Some(a.deliveries.iter().filter(|d| d.1 == "failed").count() as i64),
            sms_segments_last30d: Some(segments),
            ..Default::default()
        }),
        period_start: Some(format!("{this_month}-01T00:00:00Z")),
        period_end: Some(format!("{this_month}-{:02}T23:59:59Z", days_in_month(year, mon))),
        report_generated_at: Some(iso(now)),
        ..Default::default()
    }))
}

pub(crate) fn get_daily_usage(cx: &mut Cx<'_>, p: GetDailyUsageParams) -> Result<Reply, Failure> {
    let days = p.days.unwrap_or(30);
    let now = cx.now;
    let a = activity(cx.project());
    let count = |times: &mut dyn Iterator<Item = i64>, date: &str| times.filter(|t| day(*t) == date).count() as i64;
    let data = (0..days)
        .rev()
        .map(|back| {
            let date = day(now - back * DAY);
            DailyUsageEntry {
                messages: Some(count(&mut a.messages.iter().map(|m| m.0), &date)),
                calls: Some(count(&mut a.calls.iter().map(|c| c.0), &date)),
                webhooks: Some(count(&mut a.deliveries.iter().map(|d| d.0), &date)),
                date,
                ..Default::default()
            }
        })
        .collect();
    Ok(Reply::json(DailyUsage { data, days: Some(days), ..Default::default() }))
}

pub(crate) fn get_monthly_usage(cx: &mut Cx<'_>, p: GetMonthlyUsageParams) -> Result<Reply, Failure> {
    let months = p.months.unwrap_or(6);
    let now = cx.now;
    let a = activity(cx.project());
    let count = |times: &mut dyn Iterator<Item = i64>, key: &str| times.filter(|t| month(*t) == key).count() as i64;
    let data = (0..months)
        .rev()
        .map(|back| {
            let key = month_back(now, back);
            MonthlyUsageEntry {
                messages: Some(count(&mut a.messages.iter().map(|m| m.0), &key)),
                calls: Some(count(&mut a.calls.iter().map(|c| c.0), &key)),
                webhooks: Some(count(&mut a.deliveries.iter().map(|d| d.0), &key)),
                month: key,
                ..Default::default()
            }
        })
        .collect();
    Ok(Reply::json(MonthlyUsage { data, months: Some(months), ..Default::default() }))
}

pub(crate) fn get_usage_by_number(cx: &mut Cx<'_>, _p: GetUsageByNumberParams) -> Result<Reply, Failure> {
    let project = cx.project();
    let a = activity(project);
    let data = project
        .numbers
        .values()
        .map(|n| NumberUsageEntry {
            number_id: Some(n.id.clone()),
            phone_number: n.phone_number.clone(),
            country: n.country.clone(),
            status: n.status.clone(),
            agent_id: n.agent_id.clone(),
            agent_name: n.agent_id.as_ref().and_then(|id| project.agents.get(id)).and_then(|a| a.name.clone()),
            messages: Some(a.messages.iter().filter(|m| m.2 == n.id).count() as i64),
            calls: Some(a.calls.iter().filter(|c| c.2.as_deref() == Some(&n.id)).count() as i64),
            ..Default::default()
        })
        .collect();
    Ok(Reply::json(NumberUsage { data, ..Default::default() }))
}

pub(crate) fn get_usage_by_agent(cx: &mut Cx<'_>, p: GetUsageByAgentParams) -> Result<Reply, Failure> {
    let period = p.period;
    let days = match period {
        UsagePeriod::Week => 7,
        UsagePeriod::Year => 365,
        _ => 30,
    };
    let now = cx.now;
    let since = now - days * DAY;
    let project = cx.project();
    let a = activity(project);
    // Keyed by agent id; `None` is the bucket of activity no agent owns (any more).
    let mut buckets: BTreeMap<Option<String>, (i64, i64, i64)> = project.agents.keys().map(|id| (Some(id.clone()), (0, 0, 0))).collect();
    for (at, agent, _) in &a.messages {
        if *at >= since {
            buckets.entry(agent.clone().filter(|id| project.agents.contains_key(id))).or_default().0 += 1;
        }
    }
    for (at, agent, _, seconds) in &a.calls {
        if *at >= since {
            let slot = buckets.entry(agent.clone().filter(|id| project.agents.contains_key(id))).or_default();
            slot.1 += 1;
            slot.2 += seconds;
        }
    }
    let data = buckets
        .into_iter()
        .map(|(agent_id, (messages, calls, seconds))| AgentUsageEntry {
            agent_name: Some(
                agent_id.as_ref().and_then(|id| project.agents.get(id)).and_then(|a| a.name.clone()).unwrap_or_else(|| "Unassigned".into()),
            ),
            is_orphan: Some(agent_id.is_none()),
            agent_id,
            messages: Some(messages),
            calls: Some(calls),
            total_seconds: Some(seconds),
            ..Default::default()
        })
        .collect();
    Ok(Reply::json(AgentUsage {
        data,
        period: Some(period.to_string()),
        period_start: Some(iso(since)),
        period_end: Some(iso(now)),
        ..Default::default()
    }))
}
