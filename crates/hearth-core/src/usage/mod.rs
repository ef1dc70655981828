//! What the local model did: every request is counted as a usage record (the store keeps them,
//! with no text), and records add up to a report per day, source and model, with what the same
//! tokens would have cost on a cloud model. Hearth sends nothing anywhere: the only connections
//! it makes are model downloads the person starts, so the data sent is always none.

pub mod export;
pub mod prices;
pub mod report;

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
