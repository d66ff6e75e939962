//! The catalog's vocabulary: closed sets of words that the data file, the stored checklist and
//! the exports share. Also compiled into build.rs (via `#[path]`), so it must stay free of
//! anything but serde.

use serde::{Deserialize, Serialize};

/// Where a member lives, as far as LinkedIn's rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    EuEea,
    Uk,
    Ch,
    Ca,
    Hk,
    Us,
    Other,
    Unknown,
}

impl Region {
    /// Every region in the order the popup lists them.
    pub const ALL: [Region; 8] = [
        Region::Unknown,
        Region::Us,
        Region::EuEea,
        Region::Uk,
        Region::Ch,
        Region::Ca,
        Region::Hk,
        Region::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Region::EuEea => "eu-eea",
            Region::Uk => "uk",
            Region::Ch => "ch",
            Region::Ca => "ca",
            Region::Hk => "hk",
            Region::Us => "us",
            Region::Other => "other",
            Region::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Region::EuEea => "EU / EEA",
            Region::Uk => "United Kingdom",
            Region::Ch => "Switzerland",
            Region::Ca => "Canada",
            Region::Hk => "Hong Kong",
            Region::Us => "United States",
            Region::Other => "Another country",
            Region::Unknown => "Not chosen yet",
        }
    }

    /// The region as it reads inside a sentence ("applies in the United States").
    pub fn place(self) -> &'static str {
        match self {
            Region::EuEea => "the EU / EEA",
            Region::Uk => "the United Kingdom",
            Region::Ch => "Switzerland",
            Region::Ca => "Canada",
            Region::Hk => "Hong Kong",
            Region::Us => "the United States",
            Region::Other => "most other countries",
            Region::Unknown => "an unknown region",
        }
    }

    pub fn from_id(id: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.id() == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    AiTraining,
    Ads,
    Research,
    Marketing,
    Cookies,
    DataRights,
}

/// Whether the extension can read the setting from the page or the member confirms it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Switch,
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    Essential,
    Recommended,
    Optional,
}

/// The state of a switch that protects the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SafeState {
    Off,
}
