//! The shape of `catalog.toml`. Shared by build.rs (which turns the file into Rust data) and the
//! catalog tests (which parse the embedded file again); the shipped code never parses TOML.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::vocab::{Category, Kind, Region, SafeState, Tier};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub state_words: BTreeMap<String, StateWordsFile>,
    #[serde(rename = "item")]
    pub items: Vec<ItemFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateWordsFile {
    pub on: Vec<String>,
    pub off: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFile {
    pub id: String,
    pub title: String,
    pub why: String,
    pub how: String,
    pub category: Category,
    pub kind: Kind,
    pub tier: Tier,
    pub url: String,
    #[serde(default)]
    pub switch_ids: Vec<String>,
    pub safe_state: Option<SafeState>,
    pub applies: AppliesFile,
    #[serde(default)]
    pub labels: BTreeMap<String, Vec<String>>,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum AppliesFile {
    /// Only the word "everywhere" is accepted; checked by `Everywhere::parse`.
    Everywhere(Everywhere),
    In(Vec<RuleFile>),
}

#[derive(Debug, Deserialize)]
#[serde(try_from = "String")]
pub struct Everywhere;

impl TryFrom<String> for Everywhere {
    type Error = String;
    fn try_from(word: String) -> Result<Self, Self::Error> {
        if word == "everywhere" {
            Ok(Everywhere)
        } else {
            Err(format!(
                "applies must be \"everywhere\" or a list of rules, not {word:?}"
            ))
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub regions: Vec<Region>,
    pub since: Option<String>,
}

/// Checks that hold for any catalog we would ship; build.rs refuses to build without them and
/// the catalog tests report each one.
pub fn problems(file: &CatalogFile) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    let mut switch_ids = std::collections::BTreeSet::new();
    for item in &file.items {
        let id = &item.id;
        if !ids.insert(id.as_str()) {
            problems.push(format!("duplicate item id {id}"));
        }
        let valid_id = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_id {
            problems.push(format!("item id {id:?} must be lowercase-kebab-case"));
        }
        for sid in &item.switch_ids {
            if !switch_ids.insert(sid.as_str()) {
                problems.push(format!("switch id {sid} is used twice"));
            }
        }
        for (field, text) in [
            ("title", &item.title),
            ("why", &item.why),
            ("how", &item.how),
        ] {
            if text.trim().is_empty() {
                problems.push(format!("{id}: empty {field}"));
            }
        }
        let on_linkedin = item.url.starts_with("https://www.linkedin.com/");
        if !on_linkedin && !item.url.starts_with("https://") {
            problems.push(format!("{id}: url must be https"));
        }
        match item.kind {
            Kind::Switch => {
                if !item.url.starts_with("https://www.linkedin.com/") {
                    problems.push(format!(
                        "{id}: a switch must live on https://www.linkedin.com/"
                    ));
                }
                if item.switch_ids.is_empty() {
                    problems.push(format!("{id}: a switch needs at least one switch id"));
                }
                if item.safe_state.is_none() {
                    problems.push(format!("{id}: a switch needs a safe_state"));
                }
            }
            Kind::Manual => {
                if !item.switch_ids.is_empty() || item.safe_state.is_some() {
                    problems.push(format!(
                        "{id}: a manual step has no switch ids or safe state"
                    ));
                }
            }
        }
        if let AppliesFile::In(rules) = &item.applies {
            if rules.is_empty() || rules.iter().any(|r| r.regions.is_empty()) {
                problems.push(format!("{id}: every region rule names at least one region"));
            }
            for rule in rules {
                if rule.regions.contains(&Region::Unknown) {
                    problems.push(format!("{id}: 'unknown' is not a region a rule can name"));
                }
                if let Some(since) = &rule.since {
                    if !is_iso_date(since) {
                        problems.push(format!("{id}: since {since:?} is not YYYY-MM-DD"));
                    }
                }
            }
        }
        for (lang, labels) in &item.labels {
            if labels.iter().any(|l| l.trim().is_empty()) {
                problems.push(format!("{id}: empty {lang} label"));
            }
        }
        if !item.source.starts_with("https://") {
            problems.push(format!("{id}: source must be an https URL"));
        }
    }
    if !file.state_words.contains_key("en") {
        problems.push("state_words needs English".to_string());
    }
    problems
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}
