//! What cloud models charge, for the cost a local request avoided: list prices per million
//! input and output tokens, each with where and when it was read. Hearth ships a table
//! (`prices.json`, list prices in US dollars); the person can change a price, add a model,
//! and pick the one to compare with.

use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    pub model: String,
    /// US dollars per million prompt tokens.
    pub input: f64,
    /// US dollars per million reply tokens.
    pub output: f64,
    /// Where the figures were read ("you" for the person's own).
    pub source: String,
    /// When they were read (a date, as written).
    pub taken: String,
}

impl Price {
    /// What `prompt_tokens` in and `completion_tokens` out cost at this price.
    pub fn cost(&self, prompt_tokens: i64, completion_tokens: i64) -> f64 {
        (prompt_tokens as f64 * self.input + completion_tokens as f64 * self.output) / 1e6
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Prices {
    /// The model in `list` that costs are worked out with.
    pub compare_with: String,
    pub list: Vec<Price>,
}

impl Default for Prices {
    fn default() -> Self {
        // Checked by a test, so this cannot fail in a build that passed.
        serde_json::from_str(include_str!("prices.json")).unwrap_or(Prices {
            compare_with: String::new(),
            list: Vec::new(),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    #[error("Give every price a model name.")]
    NoName,
    #[error("{0} is listed twice; keep one price per model.")]
    Twice(String),
    #[error("The price of {0} must be a number of dollars, zero or more.")]
    BadPrice(String),
    #[error("Pick a model to compare with from the list.")]
    NoComparison,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The row the person's table is kept in.
const KEY: &str = "prices";

/// The cloud prices usage is compared with: the person's, else Hearth's table.
pub async fn load(store: &Store) -> Result<Prices, StoreError> {
    store.setting(KEY).await
}

/// Checks and stores the person's price table; returns it as stored.
pub async fn save(store: &Store, prices: Prices) -> Result<Prices, PriceError> {
    let prices = prices.checked()?;
    store.save_setting(KEY, &prices).await?;
    Ok(prices)
}

impl Prices {
    /// The price costs are worked out with.
    pub fn compared(&self) -> Option<&Price> {
        self.list.iter().find(|p| p.model == self.compare_with)
    }

    /// The table as it will be stored: names trimmed, every price a number of dollars, one
    /// per model, and the one compared with among them.
    pub fn checked(mut self) -> Result<Self, PriceError> {
        let mut seen = std::collections::HashSet::new();
        for price in &mut self.list {
            price.model = price.model.trim().to_string();
            if price.model.is_empty() {
                return Err(PriceError::NoName);
            }
            if !seen.insert(price.model.to_lowercase()) {
                return Err(PriceError::Twice(price.model.clone()));
            }
            let fine = |p: f64| p.is_finite() && p >= 0.0;
            if !fine(price.input) || !fine(price.output) {
                return Err(PriceError::BadPrice(price.model.clone()));
            }
        }
        self.compare_with = self.compare_with.trim().to_string();
        if self.compared().is_none() {
            return Err(PriceError::NoComparison);
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_reads_and_passes_its_own_checks() {
        let prices = Prices::default();
        assert!(prices.list.len() >= 3);
        let checked = prices
            .clone()
            .checked()
            .expect("the shipped table is valid");
        assert_eq!(checked, prices);
        assert!(prices
            .list
            .iter()
            .all(|p| !p.source.is_empty() && !p.taken.is_empty()));
    }

    #[test]
    fn a_cost_is_tokens_times_the_price_per_million() {
        let price = Price {
            model: "M".into(),
            input: 2.0,
            output: 8.0,
            source: "you".into(),
            taken: "2026-12-03".into(),
        };
        assert!((price.cost(500_000, 250_000) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn negative_prices_doubles_and_a_missing_comparison_are_refused() {
        let mut negative = Prices::default();
        negative.list[0].output = -1.0;
        assert!(matches!(negative.checked(), Err(PriceError::BadPrice(_))));
        let mut twice = Prices::default();
        let copy = twice.list[0].clone();
        twice.list.push(copy);
        assert!(matches!(twice.checked(), Err(PriceError::Twice(_))));
        let missing = Prices {
            compare_with: "Nobody".into(),
            ..Prices::default()
        };
        assert!(matches!(missing.checked(), Err(PriceError::NoComparison)));
    }
}
