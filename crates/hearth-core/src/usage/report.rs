//! Usage records added up: totals, the spread of speeds, and the cost avoided, for a period,
//! per local day, per source and per model. Days are the person's own: a request at 23:30
//! counts on the day it was made where they are, daylight saving time included.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::prices::Price;
use crate::store::UsageRecord;

/// The days a report covers, ending today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Period {
    Today,
    Week,
    Month,
    All,
}

impl Period {
    /// The first day counted, `None` for all of them.
    pub fn first_day(self, today: Date) -> Option<Date> {
        let back = match self {
            Period::Today => 0,
            Period::Week => 6,
            Period::Month => 29,
            Period::All => return None,
        };
        today.checked_sub(back.days()).ok()
    }
}

/// The middle and the 90th percentile of some values (none when there are none).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, ts_rs::TS)]
pub struct Spread {
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

impl Spread {
    pub(crate) fn of(mut values: Vec<f64>) -> Self {
        values.sort_by(f64::total_cmp);
        Self {
            median: percentile(&values, 0.5),
            p90: percentile(&values, 0.9),
        }
    }
}

/// The `p` quantile of sorted `values`, interpolated between the two nearest ranks (as a
/// spreadsheet's PERCENTILE does), so the median of an even count is the mean of the middle two.
fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let last = values.len().checked_sub(1)?;
    let rank = p * last as f64;
    let (below, above) = (rank.floor() as usize, rank.ceil() as usize);
    let weight = rank - below as f64;
    Some(values[below] + (values[above] - values[below]) * weight)
}

/// What a set of requests adds up to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub requests: i64,
    pub stopped: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Over the requests that wrote anything.
    pub time_to_first_token_ms: Spread,
    pub tokens_per_second: Spread,
    /// What the same tokens would have cost on the cloud model compared with, in US dollars.
    pub cost_avoided: f64,
}

impl Summary {
    fn of<'a>(records: impl IntoIterator<Item = &'a UsageRecord>, price: Option<&Price>) -> Self {
        let mut summary = Summary::default();
        let (mut firsts, mut speeds) = (Vec::new(), Vec::new());
        for record in records {
            summary.requests += 1;
            summary.stopped += i64::from(record.measurements.stopped);
            summary.prompt_tokens += record.measurements.prompt_tokens;
            summary.completion_tokens += record.measurements.completion_tokens;
            firsts.extend(
                record
                    .measurements
                    .time_to_first_token_ms
                    .map(|ms| ms as f64),
            );
            speeds.extend(record.measurements.tokens_per_second.filter(|s| *s > 0.0));
        }
        summary.time_to_first_token_ms = Spread::of(firsts);
        summary.tokens_per_second = Spread::of(speeds);
        summary.cost_avoided = price
            .map(|p| p.cost(summary.prompt_tokens, summary.completion_tokens))
            .unwrap_or(0.0);
        summary
    }
}

/// The requests that share a key (a source, a model or a day).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Group {
    pub key: String,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Day {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    pub total: Summary,
    pub sources: Vec<Group>,
    pub models: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub total: Summary,
    /// Every day of the period, oldest first, those without requests too (so charts show the
    /// gaps); for all time, from the first request's day.
    pub days: Vec<Day>,
    pub sources: Vec<Group>,
    pub models: Vec<Group>,
    /// The local API's requests, by client (its token's name).
    pub clients: Vec<Group>,
    pub compared_with: Option<Price>,
}

impl Report {
    /// The report on `records` over the days from `first_day` (`None`: the first record's) to
    /// `today`, in time zone `tz`, with costs at `price`.
    pub fn new(
        records: &[UsageRecord],
        tz: &TimeZone,
        today: Date,
        first_day: Option<Date>,
        price: Option<&Price>,
    ) -> Self {
        let dated: Vec<(Date, &UsageRecord)> = records
            .iter()
            .map(|r| (day_of(r.started_at, tz), r))
            .filter(|(day, _)| first_day.is_none_or(|first| *day >= first))
            .collect();
        let first = first_day
            .or_else(|| dated.iter().map(|(day, _)| *day).min())
            .unwrap_or(today);
        let last = dated
            .iter()
            .map(|(day, _)| *day)
            .max()
            .map_or(today, |d| d.max(today));
        let mut by_day: BTreeMap<Date, Vec<&UsageRecord>> = BTreeMap::new();
        for (day, record) in &dated {
            by_day.entry(*day).or_default().push(record);
        }
        let days = first
            .series(1.day())
            .take_while(|day| *day <= last)
            .map(|day| {
                let records = by_day.remove(&day).unwrap_or_default();
                Day {
                    date: day.to_string(),
                    total: Summary::of(records.iter().copied(), price),
                    sources: groups(&records, |r| r.source.as_str().to_string(), price),
                    models: groups(&records, |r| r.model.clone(), price),
                }
            })
            .collect();
        let all: Vec<&UsageRecord> = dated.iter().map(|(_, r)| *r).collect();
        let from_clients: Vec<&UsageRecord> =
            all.iter().copied().filter(|r| r.client.is_some()).collect();
        Self {
            total: Summary::of(all.iter().copied(), price),
            days,
            sources: groups(&all, |r| r.source.as_str().to_string(), price),
            models: groups(&all, |r| r.model.clone(), price),
            clients: groups(
                &from_clients,
                |r| r.client.clone().unwrap_or_default(),
                price,
            ),
            compared_with: price.cloned(),
        }
    }
}

/// The first moment of `day` in `tz`, in ms since the epoch: where a period's records start.
pub fn start_of(day: Date, tz: &TimeZone) -> Option<i64> {
    day.to_zoned(tz.clone())
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

fn day_of(ms: i64, tz: &TimeZone) -> Date {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(tz.clone())
        .date()
}

fn groups(
    records: &[&UsageRecord],
    key: impl Fn(&UsageRecord) -> String,
    price: Option<&Price>,
) -> Vec<Group> {
    let mut by_key: BTreeMap<String, Vec<&UsageRecord>> = BTreeMap::new();
    for record in records {
        by_key.entry(key(record)).or_default().push(record);
    }
    by_key
        .into_iter()
        .map(|(key, records)| Group {
            key,
            summary: Summary::of(records, price),
        })
        .collect()
}
