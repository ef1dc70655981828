//! What the local model did: every request is counted as a usage record (the store keeps them,
//! with no text), and records add up to a report per day, source and model, with what the same
//! tokens would have cost on a cloud model. Hearth sends nothing anywhere: the only connections
//! it makes are model downloads the person starts, so the data sent is always none.

pub mod export;
pub mod prices;
pub mod report;

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::Zoned;

use crate::engine::Completion;
use crate::store::{Asker, Store, StoreError, UsageRecord};
pub use report::{Period, Report};

/// Counts a request that has just ended.
pub async fn count(
    store: &Store,
    source: Asker,
    completion: &Completion,
) -> Result<(), StoreError> {
    store
        .record_usage(&UsageRecord::of(source, completion))
        .await
}

/// Each model's median reply speed (tokens a second) over every request it answered here: what
/// the Models view shows instead of a predicted speed.
pub async fn reply_speeds(store: &Store) -> Result<HashMap<String, f64>, StoreError> {
    let mut speeds: HashMap<String, Vec<f64>> = HashMap::new();
    for record in store.usage_records(None).await? {
        if let Some(speed) = record.measurements.tokens_per_second.filter(|s| *s > 0.0) {
            speeds.entry(record.model).or_default().push(speed);
        }
    }
    Ok(speeds
        .into_iter()
        .filter_map(|(model, values)| Some((model, report::Spread::of(values).median?)))
        .collect())
}

/// The report from `first_day` (`None`: all) to `now`'s day, on days in `now`'s time zone, at
/// the person's prices.
pub async fn report(
    store: &Store,
    first_day: Option<Date>,
    now: &Zoned,
) -> Result<Report, StoreError> {
    let tz = now.time_zone();
    let records = store
        .usage_records(first_day.and_then(|day| report::start_of(day, tz)))
        .await?;
    let prices = prices::load(store).await?;
    Ok(Report::new(
        &records,
        tz,
        now.date(),
        first_day,
        prices.compared(),
    ))
}
