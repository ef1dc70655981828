//! Usage: what a seeded set of records adds up to (exact totals per day, source and model,
//! percentiles, costs, days in a time zone), through a real history file; the CSV export; the
//! records a history from before usage was counted starts with; and each model's measured speed.

mod common;

use std::collections::HashMap;

use common::{temp_store, RUNTIME};
use hearth_core::engine::Measurements;
use hearth_core::models::{self, speed::Speed};
use hearth_core::store::{Asker, Store, Unlock, UsageRecord};
use hearth_core::usage::prices::{self, Price, Prices};
use hearth_core::usage::report::{Spread, Summary};
use hearth_core::usage::{self, export, Period, Report};
use jiff::civil::{date, Date};
use jiff::tz::{self, TimeZone};

fn eastern_standard() -> TimeZone {
    TimeZone::fixed(tz::offset(-5))
}

fn at(day: Date, hour: i8, minute: i8, zone: &TimeZone) -> i64 {
    day.at(hour, minute, 0, 0)
        .to_zoned(zone.clone())
        .expect("a time that exists")
        .timestamp()
        .as_millisecond()
}

#[allow(clippy::too_many_arguments)]
fn record(
    started_at: i64,
    source: Asker,
    model: &str,
    prompt_tokens: i64,
    completion_tokens: i64,
    first_ms: Option<i64>,
    speed: Option<f64>,
    stopped: bool,
) -> UsageRecord {
    UsageRecord {
        started_at,
        source,
        client: None,
        model: model.into(),
        measurements: Measurements {
            prompt_tokens,
            completion_tokens,
            time_to_first_token_ms: first_ms,
            tokens_per_second: speed,
            duration_ms: 1000,
            stopped,
        },
    }
}

const TODAY: Date = date(2026, 3, 10);

/// Five requests: one late on the 9th (New York), three on the 10th, one a week before.
fn seeded() -> Vec<UsageRecord> {
    let ny = eastern_standard();
    vec![
        record(
            at(date(2026, 3, 1), 12, 0, &ny),
            Asker::Translate,
            "a",
            10,
            10,
            Some(100),
            Some(40.0),
            false,
        ),
        record(
            at(date(2026, 3, 9), 23, 30, &ny),
            Asker::Chat,
            "a",
            100,
            50,
            Some(200),
            Some(20.0),
            false,
        ),
        record(
            at(TODAY, 0, 15, &ny),
            Asker::Summarize,
            "a",
            1000,
            200,
            Some(1000),
            Some(10.0),
            false,
        ),
        record(
            at(TODAY, 9, 0, &ny),
            Asker::Popup,
            "b",
            300,
            30,
            Some(400),
            Some(30.0),
            false,
        ),
        record(
            at(TODAY, 10, 0, &ny),
            Asker::Chat,
            "b",
            50,
            0,
            None,
            None,
            true,
        ),
    ]
}

fn price() -> Price {
    Price {
        model: "Cloud".into(),
        input: 2.0,
        output: 8.0,
        source: "a test".into(),
        taken: "2026-03-10".into(),
    }
}

fn day<'a>(report: &'a Report, date: &str) -> &'a Summary {
    &report
        .days
        .iter()
        .find(|d| d.date == date)
        .unwrap_or_else(|| panic!("{date} is in the report"))
        .total
}

fn keys(groups: &[hearth_core::usage::report::Group]) -> Vec<(&str, i64, i64, i64)> {
    groups
        .iter()
        .map(|g| {
            let s = &g.summary;
            (
                g.key.as_str(),
                s.requests,
                s.prompt_tokens,
                s.completion_tokens,
            )
        })
        .collect()
}

#[test]
fn a_week_adds_up_per_day_source_and_model_with_spreads_and_cost() {
    let ny = eastern_standard();
    let first = Period::Week.first_day(TODAY);
    assert_eq!(first, Some(date(2026, 3, 4)));
    let report = Report::new(&seeded(), &ny, TODAY, first, Some(&price()));

    let dates: Vec<&str> = report.days.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(
        dates,
        [
            "2026-03-04",
            "2026-03-05",
            "2026-03-06",
            "2026-03-07",
            "2026-03-08",
            "2026-03-09",
            "2026-03-10"
        ]
    );
    let total = &report.total;
    assert_eq!((total.requests, total.stopped), (4, 1));
    assert_eq!((total.prompt_tokens, total.completion_tokens), (1450, 280));
    // Firsts 200, 400, 1000 (the stopped reply wrote nothing); speeds 10, 20, 30.
    assert_eq!(
        total.time_to_first_token_ms,
        Spread {
            median: Some(400.0),
            p90: Some(880.0)
        }
    );
    assert_eq!(
        total.tokens_per_second,
        Spread {
            median: Some(20.0),
            p90: Some(28.0)
        }
    );
    assert!((total.cost_avoided - (1450.0 * 2.0 + 280.0 * 8.0) / 1e6).abs() < 1e-12);

    assert_eq!(
        keys(&report.sources),
        [
            ("chat", 2, 150, 50),
            ("popup", 1, 300, 30),
            ("summarize", 1, 1000, 200)
        ]
    );
    assert_eq!(
        keys(&report.models),
        [("a", 2, 1100, 250), ("b", 2, 350, 30)]
    );

    assert_eq!(day(&report, "2026-03-09").requests, 1);
    assert_eq!(day(&report, "2026-03-08"), &Summary::default());
    let tenth = report.days.last().expect("today");
    assert_eq!((tenth.total.requests, tenth.total.prompt_tokens), (3, 1350));
    assert_eq!(
        keys(&tenth.models),
        [("a", 1, 1000, 200), ("b", 2, 350, 30)]
    );
    assert_eq!(
        tenth.models[1].summary.time_to_first_token_ms.median,
        Some(400.0)
    );
}

#[test]
fn a_request_counts_on_the_day_it_was_made_where_the_person_is() {
    let late = vec![seeded()[1].clone()];
    // 23:30 in New York is 04:30 the next day in UTC.
    let there = Report::new(
        &late,
        &eastern_standard(),
        TODAY,
        Period::Today.first_day(TODAY),
        None,
    );
    assert_eq!(there.total.requests, 0);
    let utc = Report::new(
        &late,
        &TimeZone::UTC,
        TODAY,
        Period::Today.first_day(TODAY),
        None,
    );
    assert_eq!(utc.total.requests, 1);
    assert_eq!(utc.total.cost_avoided, 0.0, "no price, no cost");

    // Daylight saving time began on 8 March 2026: 00:30 on the 9th in New York, EDT, is 23:30
    // on the 8th at standard time.
    let dst = TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").expect("a POSIX time zone");
    let after_midnight = vec![record(
        at(date(2026, 3, 9), 0, 30, &dst),
        Asker::Chat,
        "a",
        1,
        1,
        None,
        None,
        false,
    )];
    let first = Some(date(2026, 3, 8));
    let daylight = Report::new(&after_midnight, &dst, TODAY, first, None);
    assert_eq!(day(&daylight, "2026-03-09").requests, 1);
    let standard = Report::new(&after_midnight, &eastern_standard(), TODAY, first, None);
    assert_eq!(day(&standard, "2026-03-08").requests, 1);
}

#[test]
fn all_time_starts_on_the_first_requests_day_and_nothing_is_an_empty_today() {
    let report = Report::new(
        &seeded(),
        &eastern_standard(),
        TODAY,
        Period::All.first_day(TODAY),
        None,
    );
    assert_eq!(report.days.len(), 10);
    assert_eq!(report.days[0].date, "2026-03-01");
    assert_eq!(report.total.requests, 5);
    let empty = Report::new(&[], &eastern_standard(), TODAY, None, None);
    assert_eq!(empty.days.len(), 1);
    assert_eq!(empty.total, Summary::default());
}

async fn seeded_store() -> (tempfile::TempDir, Store) {
    let (dir, store) = temp_store().await;
    for record in seeded() {
        store.record_usage(&record).await.expect("recorded");
    }
    (dir, store)
}

#[test]
fn the_report_reads_the_period_from_the_history_at_the_chosen_price() {
    RUNTIME.block_on(async {
        let (_dir, store) = seeded_store().await;
        let now = TODAY
            .at(12, 0, 0, 0)
            .to_zoned(eastern_standard())
            .expect("noon exists");
        let mut prices = Prices::default();
        prices.list.push(price());
        prices.compare_with = "Cloud".into();
        prices::save(&store, prices).await.expect("saved");

        let week = usage::report(&store, Period::Week.first_day(TODAY), &now)
            .await
            .expect("a report");
        assert_eq!(week.total.requests, 4);
        assert_eq!(
            week.compared_with.as_ref().map(|p| p.model.as_str()),
            Some("Cloud")
        );
        assert!((week.total.cost_avoided - 0.00514).abs() < 1e-12);

        // A cheaper comparison, the cost follows.
        let mut cheaper = prices::load(&store).await.expect("prices");
        if let Some(cloud) = cheaper.list.iter_mut().find(|p| p.model == "Cloud") {
            cloud.output = 0.0;
        }
        prices::save(&store, cheaper).await.expect("saved");
        let week = usage::report(&store, Period::Week.first_day(TODAY), &now)
            .await
            .expect("a report");
        assert!((week.total.cost_avoided - 0.0029).abs() < 1e-12);
    });
}

#[test]
fn a_models_measured_speed_replaces_its_prediction_in_the_recommended_list() {
    RUNTIME.block_on(async {
        let (_dir, store) = seeded_store().await;
        let qwen = "Qwen2.5 0.5B Instruct (Q4_K_M)";
        for speed in [20.0, 31.0] {
            let reply = record(0, Asker::Chat, qwen, 10, 10, Some(100), Some(speed), false);
            store.record_usage(&reply).await.expect("recorded");
        }
        let speeds = usage::reply_speeds(&store).await.expect("speeds");
        // Medians by model; a request that wrote nothing has no speed.
        assert_eq!(
            speeds,
            HashMap::from([
                ("a".to_string(), 20.0),
                ("b".to_string(), 30.0),
                (qwen.to_string(), 25.5)
            ])
        );
        let here = models::Here {
            memory_free: 16 << 30,
            disk_free: None,
            mirror: models::catalog::DEFAULT_MIRROR,
            measured: &speeds,
        };
        let listed = models::recommended(&[], &here);
        let speed_of = |id: &str| {
            listed
                .iter()
                .find(|r| r.entry.id == id)
                .map(|r| r.speed)
                .expect("listed")
        };
        assert_eq!(
            speed_of("qwen2.5-0.5b-instruct-q4_k_m"),
            Speed {
                tokens_per_second: 25.5,
                measured: true
            }
        );
        assert!(!speed_of("qwen2.5-1.5b-instruct-q4_k_m").measured);
    });
}

#[test]
fn usage_exports_as_csv_one_row_per_request() {
    RUNTIME.block_on(async {
        let (_dir, store) = seeded_store().await;
        let records = store.usage_records(None).await.expect("records");
        let csv = export::csv(&records[3..]).expect("csv");
        assert_eq!(
            csv,
            "started_at,source,client,model,prompt_tokens,completion_tokens,time_to_first_token_ms,tokens_per_second,duration_ms,stopped\n\
             2026-03-10T14:00:00Z,popup,,b,300,30,400,30.0,1000,false\n\
             2026-03-10T15:00:00Z,chat,,b,50,0,,,1000,true\n"
        );
    });
}

#[test]
fn a_history_from_before_usage_was_counted_starts_with_its_replies() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        // Its first eight migrations: the schema before usage records.
        let pool = common::history_before(&path, 8).await;
        sqlx::raw_sql(
            r#"INSERT INTO conversations (id, title, model, created_at, updated_at, job) VALUES
                   (1, 'Chat', 'small.gguf', 0, 0, NULL),
                   (2, 'Summary', 'small.gguf', 0, 0, '{"kind":"summarize","style":"paragraph"}');
               INSERT INTO messages (id, conversation_id, role, content, created_at,
                   prompt_tokens, completion_tokens, time_to_first_token_ms, tokens_per_second,
                   stopped, parent_id) VALUES
                   (1, 1, 'user', 'Hi', 10000, NULL, NULL, NULL, NULL, 0, NULL),
                   (2, 1, 'assistant', 'Hello', 10000, 20, 10, 500, 5.0, 0, 1),
                   (3, 2, 'user', 'Text', 20000, NULL, NULL, NULL, NULL, 0, NULL),
                   (4, 2, 'assistant', 'Summary', 20000, 300, 40, 2000, 20.0, 1, 3);
               UPDATE conversations SET shown_id = 2 WHERE id = 1;"#,
        )
        .execute(&pool)
        .await
        .expect("an old history");
        pool.close().await;

        let store = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("opens and upgrades");
        let records = store.usage_records(None).await.expect("records");
        let seen: Vec<_> = records
            .iter()
            .map(|r| {
                (
                    r.source,
                    r.model.as_str(),
                    r.measurements.prompt_tokens,
                    r.started_at,
                    r.measurements.duration_ms,
                    r.measurements.stopped,
                )
            })
            .collect();
        // Durations: the first token, then the tokens at the reply's speed.
        assert_eq!(
            seen,
            [
                (Asker::Chat, "small.gguf", 20, 7500, 2500, false),
                (Asker::Summarize, "small.gguf", 300, 16000, 4000, true),
            ]
        );
        let replies = store.messages(1).await.expect("messages");
        assert_eq!(replies[1].model.as_deref(), Some("small.gguf"));
        assert_eq!(replies[0].model, None);
        // The reply's own duration is estimated the same way as its record's.
        assert_eq!(replies[1].measurements.map(|m| m.duration_ms), Some(2500));
        assert_eq!(replies[0].measurements, None);
    });
}
