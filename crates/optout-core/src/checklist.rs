//! The member's checklist: what was last seen for each item, merged from page reports, with the
//! region applied when it is viewed. Stored as JSON with a schema version.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::catalog::{self, Item, Kind, Tier};
use crate::detect::{PageKind, PageReport, PerItem, State, Strategy};
use crate::error::{ActionError, StateError};
use crate::region::{applicability, Applicability, Region};
use crate::text::plural;
use crate::time::format_rfc3339;

/// The version of the stored form. Raise it when the form changes and teach [`migrate`] the step.
pub const SCHEMA: u32 = 1;

/// Items not seen for this long are due for a re-check: LinkedIn adds and resets settings.
pub const RECHECK_AFTER_MS: i64 = 30 * 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Off,
    On,
    Unknown,
    NotApplicable,
    Done,
    Todo,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Off => "off",
            Status::On => "on",
            Status::Unknown => "unknown",
            Status::NotApplicable => "not-applicable",
            Status::Done => "done",
            Status::Todo => "todo",
        }
    }

    /// Safe for the member: a switch seen off, or a manual step done.
    pub fn is_safe(self) -> bool {
        matches!(self, Status::Off | Status::Done)
    }
}

/// What is known of one item. Never holds `NotApplicable`: that is derived from the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub status: Status,
    /// When the page last showed it (switches) or when it was marked done (manual steps).
    pub last_seen_ms: Option<i64>,
    pub evidence: Option<String>,
    pub previous: Option<Status>,
    pub changed_ms: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionState {
    SignedIn,
    SignedOut,
    NotKnown,
}

/// Whether the member appeared signed in, from the last LinkedIn page the extension read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub state: SessionState,
    pub seen_ms: Option<i64>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            state: SessionState::NotKnown,
            seen_ms: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    pub schema: u32,
    pub region: Region,
    pub items: BTreeMap<String, Entry>,
    pub session: Session,
    /// A message the member must see, e.g. that a corrupt saved state was kept aside.
    pub notice: Option<String>,
}

impl Default for Checklist {
    fn default() -> Self {
        Checklist {
            schema: SCHEMA,
            region: Region::Unknown,
            items: BTreeMap::new(),
            session: Session::default(),
            notice: None,
        }
    }
}

impl Checklist {
    /// Reads a stored checklist, migrating older schemas. `stored` makes a fresh deserializer
    /// over the stored value each time it is called: the version is read before the whole, so
    /// a newer or older form is never parsed as the current one.
    pub fn load<'de, D, F>(stored: F) -> Result<Checklist, StateError>
    where
        F: Fn() -> D,
        D: Deserializer<'de>,
    {
        let probe =
            SchemaProbe::deserialize(stored()).map_err(|e| StateError::Shape(e.to_string()))?;
        let schema = probe.schema.ok_or(StateError::NoSchema)?;
        if schema > u64::from(SCHEMA) {
            return Err(StateError::NewerSchema {
                found: schema,
                supported: SCHEMA,
            });
        }
        let mut checklist = migrate(schema, stored)?;
        // Entries for items this version no longer knows are dropped; they can't be shown.
        checklist.items.retain(|id, _| catalog::item(id).is_some());
        Ok(checklist)
    }

    /// Merges what a page showed. Only what the page showed changes: items not on it keep their
    /// last reading.
    pub fn record(&mut self, report: &PageReport, now_ms: i64) {
        match report.page.kind {
            PageKind::SignInWall => {
                self.session = Session {
                    state: SessionState::SignedOut,
                    seen_ms: Some(now_ms),
                };
                return;
            }
            PageKind::Setting | PageKind::Settings | PageKind::Overview => {
                self.session = Session {
                    state: SessionState::SignedIn,
                    seen_ms: Some(now_ms),
                };
            }
            PageKind::Empty | PageKind::Outside => return,
        }
        let where_seen = report
            .page
            .path
            .as_deref()
            .unwrap_or("a LinkedIn settings page");
        for (id, state, evidence) in readings(report) {
            let status = match state {
                State::On => Status::On,
                State::Off => Status::Off,
                State::Unknown | State::Unrecognised => Status::Unknown,
            };
            let evidence = format!("{evidence} (read on {where_seen})");
            self.observe(id, status, evidence, now_ms);
        }
    }

    fn observe(&mut self, id: &str, status: Status, evidence: String, now_ms: i64) {
        let entry = self.items.entry(id.to_string()).or_insert(Entry {
            status,
            last_seen_ms: None,
            evidence: None,
            previous: None,
            changed_ms: Some(now_ms),
        });
        if entry.status != status {
            entry.previous = Some(entry.status);
            entry.changed_ms = Some(now_ms);
            entry.status = status;
        }
        entry.last_seen_ms = Some(now_ms);
        entry.evidence = Some(evidence);
    }

    /// Records that the member did (or undid) a manual step.
    pub fn mark(&mut self, id: &str, done: bool, now_ms: i64) -> Result<(), ActionError> {
        let item = catalog::item(id).ok_or_else(|| ActionError::UnknownItem(id.to_string()))?;
        if item.kind != Kind::Manual {
            return Err(ActionError::NotManual(id.to_string()));
        }
        if done {
            self.observe(
                id,
                Status::Done,
                "marked done by the member".to_string(),
                now_ms,
            );
        } else {
            self.items.remove(id);
        }
        Ok(())
    }

    /// A fresh checklist for a member whose saved one could not be read and was kept aside
    /// under `backup_key`: the notice tells them so, in words, until they dismiss it.
    pub fn after_unreadable(backup_key: &str) -> Checklist {
        Checklist {
            notice: Some(format!(
                "Your saved checklist could not be read, so Optout Guard started a fresh one. \
                 The old data was kept inside the extension as a backup (\"{backup_key}\") and \
                 has not been deleted. Visit your LinkedIn settings pages again to fill in the \
                 new checklist."
            )),
            ..Checklist::default()
        }
    }

    pub fn dismiss_notice(&mut self) {
        self.notice = None;
    }

    pub fn set_region(&mut self, region: &str) -> Result<(), ActionError> {
        self.region = Region::from_id(region)
            .ok_or_else(|| ActionError::UnknownRegion(region.to_string()))?;
        Ok(())
    }

    /// The status shown for an item: what was seen, else what the region and kind imply.
    pub fn status(&self, item: &Item) -> Status {
        let applies = applicability(item, self.region).applies();
        match (self.items.get(item.id).map(|e| e.status), item.kind) {
            // A switch the page showed is judged whatever the region says.
            (Some(seen @ (Status::On | Status::Off | Status::Unknown)), Kind::Switch) => seen,
            (Some(Status::Done), Kind::Manual) => Status::Done,
            _ if !applies => Status::NotApplicable,
            (_, Kind::Switch) => Status::Unknown,
            (_, Kind::Manual) => Status::Todo,
        }
    }

    pub fn summary(&self) -> Summary {
        let statuses: Vec<(&Item, Status)> = catalog::items()
            .iter()
            .map(|i| (i, self.status(i)))
            .collect();
        let essential = || {
            statuses
                .iter()
                .filter(|(i, s)| i.tier == Tier::Essential && *s != Status::NotApplicable)
        };
        let essential_applicable = essential().count();
        let essential_done = essential().filter(|(_, s)| s.is_safe()).count();
        let on = statuses.iter().filter(|(_, s)| *s == Status::On).count();
        let checked = self
            .items
            .values()
            .filter(|e| e.last_seen_ms.is_some())
            .count();
        let text = format!("{essential_done} of {essential_applicable} essential opt-outs done");
        Summary {
            essential_done,
            essential_applicable,
            on,
            checked,
            text,
        }
    }

    pub fn badge(&self) -> Badge {
        let s = self.summary();
        if s.checked == 0 {
            return Badge {
                text: "?".to_string(),
                tooltip: "Optout Guard has not checked your LinkedIn settings yet: open LinkedIn's Settings & Privacy while signed in.".to_string(),
                kind: BadgeKind::Unchecked,
            };
        }
        if s.on > 0 {
            return Badge {
                text: s.on.to_string(),
                tooltip: format!(
                    "{} {} still {} LinkedIn use your data. {}.",
                    s.on,
                    plural(s.on, "setting", "settings"),
                    plural(s.on, "lets", "let"),
                    s.text
                ),
                kind: BadgeKind::On,
            };
        }
        if s.essential_done == s.essential_applicable {
            return Badge {
                text: "✓".to_string(),
                tooltip: format!("All essential opt-outs done ({}).", s.text),
                kind: BadgeKind::EssentialDone,
            };
        }
        Badge {
            text: "!".to_string(),
            tooltip: format!(
                "No setting seen on, but not everything is checked: {}.",
                s.text
            ),
            kind: BadgeKind::Partial,
        }
    }

    pub fn view(&self, now_ms: i64) -> View {
        let items = catalog::items()
            .iter()
            .map(|item| {
                let entry = self.items.get(item.id);
                let applicability = applicability(item, self.region);
                let status = self.status(item);
                let last_seen_ms = entry.and_then(|e| e.last_seen_ms);
                ItemView {
                    id: item.id,
                    title: item.title,
                    why: item.why,
                    how: item.how,
                    tier: item.tier,
                    category: item.category,
                    kind: item.kind,
                    url: item.url,
                    status,
                    applies: applicability.applies(),
                    not_applicable_reason: match applicability {
                        Applicability::NotApplicable { reason } => Some(reason),
                        Applicability::Applies { .. } => None,
                    },
                    last_seen: last_seen_ms.map(format_rfc3339),
                    evidence: entry.and_then(|e| e.evidence.clone()),
                    previous: entry.and_then(|e| e.previous),
                    changed_at: entry.and_then(|e| e.changed_ms).map(format_rfc3339),
                    due_recheck: item.kind == Kind::Switch
                        && last_seen_ms.is_some_and(|seen| now_ms - seen > RECHECK_AFTER_MS),
                }
            })
            .collect();
        View {
            region: self.region,
            regions: Region::ALL
                .iter()
                .map(|r| RegionOption {
                    id: r.id(),
                    label: r.label(),
                })
                .collect(),
            session: self.session_view(),
            summary: self.summary(),
            badge: self.badge(),
            items,
            notice: self.notice.clone(),
        }
    }

    fn session_view(&self) -> SessionView {
        let seen_at = self.session.seen_ms.map(format_rfc3339);
        let text = match (self.session.state, &seen_at) {
            (SessionState::SignedIn, Some(at)) => format!(
                "Signed in to LinkedIn when its settings were last read ({at})."
            ),
            (SessionState::SignedOut, Some(at)) => format!(
                "LinkedIn showed a sign-in page on {at}. Sign in, then open Settings & Privacy so Optout Guard can read your settings."
            ),
            _ => "Not known yet. Open LinkedIn's Settings & Privacy while signed in and Optout Guard will read your settings.".to_string(),
        };
        SessionView {
            state: self.session.state,
            seen_at,
            text,
        }
    }
}

#[derive(Deserialize)]
struct SchemaProbe {
    schema: Option<u64>,
}

/// Reads a stored form of an older or the current [`SCHEMA`]. Each past schema gets one step.
fn migrate<'de, D: Deserializer<'de>>(
    schema: u64,
    stored: impl Fn() -> D,
) -> Result<Checklist, StateError> {
    match schema {
        1 => Checklist::deserialize(stored()).map_err(|e| StateError::Shape(e.to_string())),
        other => Err(StateError::Shape(format!(
            "schema {other} was never written"
        ))),
    }
}

/// One reading per item: every control that names it, else the overview links that do; of
/// several, the most worrying (see [`PerItem`]).
fn readings(report: &PageReport) -> Vec<(&'static str, State, String)> {
    let mut per_item = PerItem::default();
    for c in &report.controls {
        if let Some(id) = c.item {
            let evidence = describe(c.evidence.strategy, &c.evidence.detail, c.evidence.disabled);
            per_item.add(id, c.state, evidence);
        }
    }
    for link in &report.links {
        // A link with no readable state says nothing; it must not erase an earlier reading.
        if per_item.contains(link.item) || link.state == State::Unknown {
            continue;
        }
        let evidence = describe(link.evidence.strategy, &link.evidence.detail, false);
        per_item.add(link.item, link.state, evidence);
    }
    per_item.0
}

fn describe(strategy: Strategy, detail: &str, disabled: bool) -> String {
    let how = match strategy {
        Strategy::SwitchId => "switch found by its id",
        Strategy::SlugSingleSwitch => "the page's only switch",
        Strategy::Label => "switch found by its label",
        Strategy::OverviewLink => "overview page",
        Strategy::None => "unidentified",
    };
    let disabled = if disabled {
        "; the switch was disabled"
    } else {
        ""
    };
    format!("{how}: {detail}{disabled}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub essential_done: usize,
    pub essential_applicable: usize,
    pub on: usize,
    pub checked: usize,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BadgeKind {
    Unchecked,
    On,
    EssentialDone,
    Partial,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Badge {
    pub text: String,
    pub tooltip: String,
    pub kind: BadgeKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionOption {
    pub id: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionView {
    pub state: SessionState,
    pub seen_at: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemView {
    pub id: &'static str,
    pub title: &'static str,
    pub why: &'static str,
    pub how: &'static str,
    pub tier: Tier,
    pub category: catalog::Category,
    pub kind: Kind,
    pub url: &'static str,
    pub status: Status,
    pub applies: bool,
    pub not_applicable_reason: Option<String>,
    pub last_seen: Option<String>,
    pub evidence: Option<String>,
    pub previous: Option<Status>,
    pub changed_at: Option<String>,
    pub due_recheck: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct View {
    pub region: Region,
    pub regions: Vec<RegionOption>,
    pub session: SessionView,
    pub summary: Summary,
    pub badge: Badge,
    pub items: Vec<ItemView>,
    pub notice: Option<String>,
}

#[cfg(test)]
#[path = "checklist_tests.rs"]
mod tests;
