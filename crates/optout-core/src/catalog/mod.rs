//! The opt-out catalog: every setting and manual step, as data compiled in from `catalog.toml`.

use serde::Serialize;

pub use crate::vocab::{Category, Kind, Region, SafeState, Tier};

#[cfg(test)]
mod schema;
#[cfg(test)]
mod tests;

/// One checklist entry: a switch on a LinkedIn page, or a step the member takes by hand.
#[derive(Debug, Serialize)]
pub struct Item {
    pub id: &'static str,
    pub title: &'static str,
    pub why: &'static str,
    pub how: &'static str,
    pub category: Category,
    pub kind: Kind,
    pub tier: Tier,
    pub url: &'static str,
    pub switch_ids: &'static [&'static str],
    pub safe_state: Option<SafeState>,
    #[serde(skip)]
    pub applies: Applies,
    #[serde(skip)]
    pub labels: &'static [Label],
    pub source: &'static str,
}

/// Where LinkedIn applies an item.
#[derive(Debug)]
pub enum Applies {
    Everywhere,
    In(&'static [RegionRule]),
}

#[derive(Debug)]
pub struct RegionRule {
    pub regions: &'static [Region],
    /// The day (YYYY-MM-DD) LinkedIn started applying it there, when known.
    pub since: Option<&'static str>,
}

/// A label text LinkedIn shows for a switch, in one language.
#[derive(Debug)]
pub struct Label {
    pub lang: &'static str,
    pub text: &'static str,
    /// `text` folded by `text::normalize` at build time, so matching costs no work per label.
    pub key: &'static str,
}

/// The words an overview page prints for a setting's current value, in one language, folded by
/// `text::normalize` at build time.
#[derive(Debug)]
pub struct StateWords {
    pub lang: &'static str,
    pub on: &'static [&'static str],
    pub off: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/catalog_data.rs"));

/// All items, in checklist order.
pub fn items() -> &'static [Item] {
    ITEMS
}

pub fn item(id: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.id == id)
}

pub fn state_words() -> &'static [StateWords] {
    STATE_WORDS
}

impl Item {
    /// The path of the item's page when it lives on www.linkedin.com, e.g.
    /// `/mypreferences/d/settings/ads-by-age`.
    pub fn linkedin_path(&self) -> Option<&'static str> {
        self.url.strip_prefix(crate::detect::LINKEDIN_ORIGIN)
    }
}
