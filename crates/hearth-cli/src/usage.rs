//! `hearth usage`: what the local model did, per day, job or model, and what it saved; or the
//! records themselves as CSV.

use clap::{Args, ValueEnum};
use hearth_core::paths::DataDir;
use hearth_core::usage::report::{Group, Spread, Summary};
use hearth_core::usage::{self, export, Report};
use jiff::civil::Date;

use crate::CliResult;

#[derive(Args)]
pub struct UsageArgs {
    /// The first day counted (YYYY-MM-DD, your local day); everything when absent.
    #[arg(long)]
    since: Option<Date>,
    /// One row per day, per job (what asked: chat, each job, popup, document, api), per model,
    /// or per local API client.
    #[arg(long, value_enum, default_value_t = By::Day)]
    by: By,
    /// Print the whole report as JSON, for scripts.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print the usage records, one per request, as CSV.
    #[arg(long)]
    csv: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum By {
    Day,
    Job,
    Model,
    Client,
}

pub async fn run(data: &DataDir, args: UsageArgs) -> CliResult {
    let store = crate::unlock::open_store(data).await?;
    let now = jiff::Zoned::now();
    if args.csv {
        let since = args
            .since
            .and_then(|day| usage::report::start_of(day, now.time_zone()));
        print!("{}", export::csv(&store.usage_records(since).await?)?);
    } else {
        let report = usage::report(&store, args.since, &now).await?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", table(&report, args.by));
        }
    }
    store.close().await;
    Ok(())
}

fn table(report: &Report, by: By) -> String {
    let (heading, rows): (&str, Vec<Group>) = match by {
        By::Day => (
            "day",
            report
                .days
                .iter()
                .map(|d| Group {
                    key: d.date.clone(),
                    summary: d.total.clone(),
                })
                .collect(),
        ),
        By::Job => ("job", report.sources.clone()),
        By::Model => ("model", report.models.clone()),
        By::Client => ("client", report.clients.clone()),
    };
    let width = rows
        .iter()
        .map(|g| g.key.chars().count())
        .chain([heading.len(), "total".len()])
        .max()
        .unwrap_or(5);
    let mut out = format!(
        "{heading:<width$}  requests  stopped  prompt tokens  reply tokens  first token (median, p90)  tokens/s (median, p90)  cost avoided\n"
    );
    for group in &rows {
        out.push_str(&row(&group.key, &group.summary, width));
    }
    out.push_str(&row("total", &report.total, width));
    out.push('\n');
    out.push_str(&match &report.compared_with {
        Some(p) => format!(
            "Cost avoided: the same tokens on {} at ${} in and ${} out per million tokens ({}, {}).\n",
            p.model, p.input, p.output, p.source, p.taken
        ),
        None => "Cost avoided: no cloud price is chosen to compare with.\n".to_string(),
    });
    out.push_str(
        "Data sent anywhere: none. Hearth connects to nothing but the model downloads you start.\n",
    );
    out
}

fn row(key: &str, s: &Summary, width: usize) -> String {
    format!(
        "{key:<width$}  {:>8}  {:>7}  {:>13}  {:>12}  {:>25}  {:>22}  {:>12}\n",
        s.requests,
        s.stopped,
        s.prompt_tokens,
        s.completion_tokens,
        spread(&s.time_to_first_token_ms, |ms| format!(
            "{:.2} s",
            ms / 1000.0
        )),
        spread(&s.tokens_per_second, |t| format!("{t:.1}")),
        dollars(s.cost_avoided),
    )
}

fn spread(s: &Spread, show: impl Fn(f64) -> String) -> String {
    match (s.median, s.p90) {
        (Some(median), Some(p90)) => format!("{}, {}", show(median), show(p90)),
        _ => "-".to_string(),
    }
}

/// Cents from a cent up; below that, two significant digits, so a few requests do not show
/// as nothing (the window shows the same).
fn dollars(amount: f64) -> String {
    if amount >= 0.01 || amount <= 0.0 {
        return format!("${amount:.2}");
    }
    let decimals = (1.0 - amount.log10().floor()) as usize;
    format!("${amount:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::dollars;

    #[test]
    fn small_costs_keep_two_significant_digits() {
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(12.345), "$12.35");
        assert_eq!(dollars(0.01), "$0.01");
        assert_eq!(dollars(0.005), "$0.0050");
        assert_eq!(dollars(0.000047), "$0.000047");
    }
}
