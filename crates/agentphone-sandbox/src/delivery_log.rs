//! A project's webhook deliveries log: bounded (the oldest record goes first) and indexed by id, so
//! a sandbox that runs for days beside an agent keeps constant memory and updates in O(1).

use std::collections::{HashMap, VecDeque};

use crate::state::DeliveryRecord;

#[derive(Debug)]
pub(crate) struct DeliveryLog {
    records: VecDeque<DeliveryRecord>,
    /// Delivery id -> its sequence number; a record's place is `seq - first_seq`.
    index: HashMap<String, u64>,
    first_seq: u64,
    capacity: usize,
}

impl DeliveryLog {
    pub(crate) fn new(capacity: usize) -> Self {
        Self { records: VecDeque::new(), index: HashMap::new(), first_seq: 0, capacity: capacity.max(1) }
    }

    pub(crate) fn push(&mut self, record: DeliveryRecord) {
        if self.records.len() == self.capacity
            && let Some(oldest) = self.records.pop_front()
        {
            self.index.remove(&oldest.delivery.id);
            self.first_seq += 1;
        }
        self.index.insert(record.delivery.id.clone(), self.first_seq + self.records.len() as u64);
        self.records.push_back(record);
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut DeliveryRecord> {
        let seq = *self.index.get(id)?;
        self.records.get_mut(usize::try_from(seq - self.first_seq).ok()?)
    }

    /// Oldest first.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &DeliveryRecord> + Clone {
        self.records.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentphone::models::WebhookDelivery;

    fn record(id: &str) -> DeliveryRecord {
        DeliveryRecord {
            delivery: WebhookDelivery { id: id.to_owned(), ..Default::default() },
            agent_id: None,
            to_agent_webhook: false,
            at: 0,
        }
    }

    #[test]
    fn the_oldest_records_go_and_the_rest_stay_found() {
        let mut log = DeliveryLog::new(3);
        for i in 0..5 {
            log.push(record(&format!("dlv_{i}")));
        }
        let ids: Vec<&str> = log.iter().map(|r| r.delivery.id.as_str()).collect();
        assert_eq!(ids, ["dlv_2", "dlv_3", "dlv_4"]);
        assert!(log.get_mut("dlv_1").is_none());
        assert_eq!(log.get_mut("dlv_3").map(|r| r.delivery.id.clone()).as_deref(), Some("dlv_3"));
        assert_eq!(log.index.len(), 3);
    }
}
