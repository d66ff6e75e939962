//! Detection: from a snapshot of a LinkedIn page to what each switch and link on it is, and
//! what state it shows. Structural signals come first (switch ids, the URL), label text last.
//! A setting is `off` only when its control reads off without any ambiguity.

use serde::{Deserialize, Serialize};

use crate::catalog::{self, Item};
use crate::text::{normalize, plural};

pub const LINKEDIN_ORIGIN: &str = "https://www.linkedin.com";

/// Texts longer than this are cut before matching: a label is never this long, and it bounds
/// the work a hostile or broken page can cause.
const MAX_TEXT: usize = 500;

/// What the content script read from the page, in one pass.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PageSnapshot {
    pub url: String,
    pub lang: Option<String>,
    /// The page holds a sign-in form.
    pub login_form: bool,
    pub controls: Vec<Control>,
    pub links: Vec<Link>,
}

/// A switch-like element: a checkbox input or anything with a switch/checkbox role or
/// `aria-checked`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Control {
    pub tag: String,
    #[serde(rename = "type")]
    pub input_type: Option<String>,
    pub role: Option<String>,
    pub id: Option<String>,
    pub aria_labelledby: Option<String>,
    pub label: Option<String>,
    pub description: Option<String>,
    /// The `.checked` property; only native checkboxes have one.
    pub checked: Option<bool>,
    pub aria_checked: Option<String>,
    pub disabled: bool,
}

/// A link to a settings page, as overview pages show them: a name and the current value.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Link {
    pub href: String,
    pub text: Option<String>,
    pub state_text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageKind {
    /// The page of one catalog item.
    Setting,
    /// Another Settings & Privacy page.
    Settings,
    /// A category or overview page that links to settings.
    Overview,
    SignInWall,
    /// Nothing rendered yet.
    Empty,
    /// Not a page the extension reads.
    Outside,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    On,
    Off,
    Unknown,
    Unrecognised,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    SwitchId,
    SlugSingleSwitch,
    Label,
    OverviewLink,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub strategy: Strategy,
    pub detail: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageInfo {
    pub kind: PageKind,
    /// The page's path on www.linkedin.com, when it is there.
    pub path: Option<String>,
    pub item: Option<&'static str>,
    pub message: Option<String>,
}

/// What the content script shows beside a switch that is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub title: &'static str,
    pub text: String,
    pub url: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlFinding {
    pub index: usize,
    pub item: Option<&'static str>,
    pub state: State,
    pub evidence: Evidence,
    /// Only on the first control of an item that is on, so the page shows one warning per item.
    pub warning: Option<Warning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkFinding {
    pub index: usize,
    pub item: &'static str,
    pub state: State,
    pub title: &'static str,
    pub url: &'static str,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Banner {
    pub on: usize,
    pub off: usize,
    pub unknown: usize,
    pub unrecognised: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageReport {
    pub page: PageInfo,
    pub controls: Vec<ControlFinding>,
    pub links: Vec<LinkFinding>,
    pub banner: Option<Banner>,
}

/// Reads a page snapshot. Never fails: a page it does not understand gets a report that says so.
pub fn analyze(snapshot: &PageSnapshot) -> PageReport {
    let path = linkedin_path(&snapshot.url);
    let switches: Vec<usize> = snapshot
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| is_switch(c))
        .map(|(i, _)| i)
        .collect();

    // What each switch's own id and label say, worked out once: it decides the page kind too.
    let known: Vec<Known> = switches
        .iter()
        .map(|&i| {
            let control = &snapshot.controls[i];
            let by_id = by_switch_id(control);
            // The id wins over the label, so the label is only read when there is no id.
            let by_label = match by_id {
                Some(_) => None,
                None => by_label(control),
            };
            Known { by_id, by_label }
        })
        .collect();
    // A sign-in form shown in place of the settings has checkboxes of its own ("keep me signed
    // in"); only a switch known by its id or label proves the settings are really there.
    let settings_shown = known
        .iter()
        .any(|k| k.by_id.is_some() || k.by_label.is_some());
    let (kind, page_item) = classify(path.as_deref(), snapshot, settings_shown);
    let readable = matches!(
        kind,
        PageKind::Setting | PageKind::Settings | PageKind::Overview
    );
    if !readable {
        return PageReport {
            page: PageInfo {
                kind,
                path,
                item: None,
                message: Some(page_message(kind)),
            },
            controls: Vec::new(),
            links: Vec::new(),
            banner: None,
        };
    }

    let lang = snapshot.lang.as_deref().map(primary_language);
    let single_switch_item = page_item.filter(|_| switches.len() == 1);
    let mut controls: Vec<ControlFinding> = switches
        .iter()
        .zip(known)
        .map(|(&index, known)| {
            judge_control(index, &snapshot.controls[index], known, single_switch_item)
        })
        .collect();
    give_one_warning_per_item(&mut controls);

    let links: Vec<LinkFinding> = snapshot
        .links
        .iter()
        .enumerate()
        .filter_map(|(index, link)| judge_link(index, link, lang.as_deref()))
        .collect();

    let banner = banner(&controls, &links);
    let message = if controls.iter().all(|c| c.state == State::Unrecognised) && links.is_empty() {
        Some(
            "Optout Guard does not know the settings on this page. Nothing here is marked as safe."
                .to_string(),
        )
    } else {
        None
    };
    PageReport {
        page: PageInfo {
            kind,
            path,
            item: page_item.map(|i| i.id),
            message,
        },
        controls,
        links,
        banner,
    }
}

/// A control that holds a setting's on/off value.
pub fn is_switch(control: &Control) -> bool {
    is_native_checkbox(control)
        || matches!(role(control).as_deref(), Some("switch") | Some("checkbox"))
}

fn is_native_checkbox(control: &Control) -> bool {
    control.tag.eq_ignore_ascii_case("input")
        && control
            .input_type
            .as_deref()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("checkbox"))
}

fn role(control: &Control) -> Option<String> {
    control
        .role
        .as_deref()
        .map(|r| r.trim().to_ascii_lowercase())
}

/// The state a control shows, and the words that say why.
pub fn read_state(control: &Control) -> (State, String) {
    let aria = control
        .aria_checked
        .as_deref()
        .map(|a| a.trim().to_ascii_lowercase());
    let aria_bool = match aria.as_deref() {
        None => None,
        Some("true") => Some(Some(true)),
        Some("false") => Some(Some(false)),
        Some(_) => Some(None),
    };
    let aria_text = match &control.aria_checked {
        Some(a) => format!("aria-checked=\"{}\"", cut(a)),
        None => "no aria-checked".to_string(),
    };
    if is_native_checkbox(control) {
        let checked_text = match control.checked {
            Some(c) => format!("checked={c}"),
            None => "checked not readable".to_string(),
        };
        let detail = format!("{checked_text}; {aria_text}");
        let state = match (control.checked, aria_bool) {
            (Some(c), None) => on_off(c),
            (Some(c), Some(Some(a))) if a == c => on_off(c),
            _ => State::Unknown,
        };
        return (state, detail);
    }
    let state = match (role(control).as_deref(), aria_bool) {
        (_, Some(Some(true))) => State::On,
        // Only a real switch that says false is trusted as off; other shapes may mean other things.
        (Some("switch"), Some(Some(false))) => State::Off,
        _ => State::Unknown,
    };
    (state, aria_text)
}

fn on_off(on: bool) -> State {
    if on {
        State::On
    } else {
        State::Off
    }
}

/// An item a switch names by itself, with the words that say how.
type Named = Option<(&'static Item, String)>;

struct Known {
    by_id: Named,
    by_label: Named,
}

/// Most trustworthy first: the switch's id, the page's slug when it has one switch, its label.
fn judge_control(
    index: usize,
    control: &Control,
    known: Known,
    slug_item: Option<&'static Item>,
) -> ControlFinding {
    let (state, state_detail) = read_state(control);
    let identified = known
        .by_id
        .map(|(item, how)| (item, Strategy::SwitchId, how))
        .or_else(|| {
            slug_item.map(|item| {
                (
                    item,
                    Strategy::SlugSingleSwitch,
                    format!("the only switch on {}", item.url),
                )
            })
        })
        .or_else(|| {
            known
                .by_label
                .map(|(item, how)| (item, Strategy::Label, how))
        });
    match identified {
        Some((item, strategy, how)) => ControlFinding {
            index,
            item: Some(item.id),
            state,
            evidence: Evidence {
                strategy,
                detail: format!("{how}; {state_detail}"),
                disabled: control.disabled,
            },
            warning: None,
        },
        None => ControlFinding {
            index,
            item: None,
            state: State::Unrecognised,
            evidence: Evidence {
                strategy: Strategy::None,
                detail: format!("no known switch id or label; {state_detail}"),
                disabled: control.disabled,
            },
            warning: None,
        },
    }
}

fn by_switch_id(control: &Control) -> Named {
    let labelledby = control.aria_labelledby.as_deref().unwrap_or("");
    for token in labelledby.split_whitespace() {
        if let Some(item) = item_with_switch_id(token) {
            return Some((item, format!("aria-labelledby=\"{}\"", cut(token))));
        }
    }
    let id = control.id.as_deref()?.trim();
    item_with_switch_id(id).map(|item| (item, format!("id=\"{}\"", cut(id))))
}

fn item_with_switch_id(id: &str) -> Option<&'static Item> {
    catalog::items().iter().find(|i| i.switch_ids.contains(&id))
}

/// Matches the label or description against every known label, in every language. A text that
/// names two different items is no evidence at all.
fn by_label(control: &Control) -> Named {
    let mut found: Named = None;
    for text in [&control.label, &control.description].into_iter().flatten() {
        let text = normalize(cut(text));
        if text.is_empty() {
            continue;
        }
        for item in catalog::items() {
            for label in item.labels {
                let known = label.key;
                // Long labels may sit inside a longer text; short ones ("Gender") must match whole.
                let matches =
                    text == known || (known.chars().count() >= 20 && text.contains(known));
                if !matches {
                    continue;
                }
                match &found {
                    Some((other, _)) if other.id != item.id => return None,
                    Some(_) => {}
                    None => {
                        found = Some((item, format!("{} label \"{}\"", label.lang, label.text)));
                    }
                }
            }
        }
    }
    found
}

fn give_one_warning_per_item(controls: &mut [ControlFinding]) {
    let mut warned: Vec<&str> = Vec::new();
    for finding in controls.iter_mut() {
        let (Some(id), State::On) = (finding.item, finding.state) else {
            continue;
        };
        if warned.contains(&id) {
            continue;
        }
        warned.push(id);
        if let Some(item) = catalog::item(id) {
            finding.warning = Some(Warning {
                title: item.title,
                text: format!("{} {}", item.why, item.how),
                url: item.url,
            });
        }
    }
}

fn judge_link(index: usize, link: &Link, lang: Option<&str>) -> Option<LinkFinding> {
    let path = linkedin_path(&link.href)?;
    let item = catalog::items()
        .iter()
        .find(|i| i.linkedin_path().is_some_and(|p| same_path(p, &path)))?;
    let (state, detail) = match link.state_text.as_deref() {
        Some(text) => {
            let state = state_from_words(text, lang);
            (state, format!("overview shows \"{}\"", cut(text)))
        }
        None => (State::Unknown, "overview shows no state".to_string()),
    };
    Some(LinkFinding {
        index,
        item: item.id,
        state,
        title: item.title,
        url: item.url,
        evidence: Evidence {
            strategy: Strategy::OverviewLink,
            detail,
            disabled: false,
        },
    })
}

/// Reads "On"/"Aus"/"Désactivé"… The page's language is asked first; failing that, a word
/// that means the same in every language that knows it. Anything else is unknown.
pub fn state_from_words(text: &str, lang: Option<&str>) -> State {
    let text = normalize(cut(text));
    let meaning = |words: &catalog::StateWords| {
        let on = words.on.contains(&text.as_str());
        let off = words.off.contains(&text.as_str());
        match (on, off) {
            (true, false) => Some(State::On),
            (false, true) => Some(State::Off),
            _ => None,
        }
    };
    let all = catalog::state_words();
    if let Some(lang) = lang {
        if let Some(words) = all.iter().find(|w| w.lang == lang) {
            if let Some(state) = meaning(words) {
                return state;
            }
        }
    }
    let mut meanings = all.iter().filter_map(meaning);
    match meanings.next() {
        Some(first) if meanings.all(|m| m == first) => first,
        _ => State::Unknown,
    }
}

fn banner(controls: &[ControlFinding], links: &[LinkFinding]) -> Option<Banner> {
    // One state per item: if any reading of it is on, it counts as on; off only if all are off.
    let mut items = PerItem::default();
    let readings = controls
        .iter()
        .filter_map(|c| c.item.map(|id| (id, c.state)))
        .chain(links.iter().map(|l| (l.item, l.state)));
    for (id, state) in readings {
        items.add(id, state, ());
    }
    let count = |s: State| items.0.iter().filter(|(_, v, _)| *v == s).count();
    let (on, off, unknown) = (count(State::On), count(State::Off), count(State::Unknown));
    let unrecognised = controls
        .iter()
        .filter(|c| c.state == State::Unrecognised)
        .count();
    if on + off + unknown + unrecognised == 0 {
        return None;
    }
    let mut parts = Vec::new();
    if on > 0 {
        parts.push(format!(
            "{on} {} on this page still {} LinkedIn use your data.",
            plural(on, "setting", "settings"),
            plural(on, "lets", "let")
        ));
    } else if off > 0 && unknown == 0 {
        parts.push(format!(
            "{} on this page {} off.",
            if off == 1 {
                "The checklist setting".to_string()
            } else {
                format!("All {off} checklist settings")
            },
            plural(off, "is", "are")
        ));
    }
    if unknown > 0 {
        parts.push(format!(
            "Optout Guard could not read {unknown} {} here: check {} yourself.",
            plural(unknown, "setting", "settings"),
            plural(unknown, "it", "them")
        ));
    }
    if unrecognised > 0 {
        parts.push(format!(
            "{unrecognised} {} not in Optout Guard's checklist yet: review {}.",
            plural(unrecognised, "switch is", "switches are"),
            plural(unrecognised, "it", "them")
        ));
    }
    Some(Banner {
        on,
        off,
        unknown,
        unrecognised,
        text: parts.join(" "),
    })
}

/// How much a state should worry the member: a reading that is on beats one that could not be
/// read, which beats off.
fn worry(state: State) -> u8 {
    match state {
        State::On => 2,
        State::Unknown | State::Unrecognised => 1,
        State::Off => 0,
    }
}

/// One reading per item, keeping the most worrying when a page shows an item more than once,
/// so two disagreeing readings never add up to off. A page names a handful of items: a list
/// beats a map here.
#[derive(Debug)]
pub struct PerItem<T>(pub Vec<(&'static str, State, T)>);

impl<T> Default for PerItem<T> {
    fn default() -> Self {
        PerItem(Vec::new())
    }
}

impl<T> PerItem<T> {
    pub fn add(&mut self, id: &'static str, state: State, extra: T) {
        match self.0.iter_mut().find(|(known, _, _)| *known == id) {
            Some(slot) if worry(state) > worry(slot.1) => *slot = (id, state, extra),
            Some(_) => {}
            None => self.0.push((id, state, extra)),
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.iter().any(|(known, _, _)| *known == id)
    }
}

fn classify(
    path: Option<&str>,
    snapshot: &PageSnapshot,
    settings_shown: bool,
) -> (PageKind, Option<&'static Item>) {
    let Some(path) = path else {
        return (PageKind::Outside, None);
    };
    const SIGN_IN_PATHS: [&str; 5] = [
        "/login",
        "/authwall",
        "/uas/login",
        "/checkpoint",
        "/signup",
    ];
    let sign_in_path = SIGN_IN_PATHS.iter().any(|p| is_under(path, p));
    if sign_in_path || (snapshot.login_form && !settings_shown) {
        return (PageKind::SignInWall, None);
    }
    let is_settings = is_under(path, "/mypreferences") || is_under(path, "/psettings");
    if !is_settings {
        return (PageKind::Outside, None);
    }
    if snapshot.controls.is_empty() && snapshot.links.is_empty() {
        return (PageKind::Empty, None);
    }
    let item = catalog::items()
        .iter()
        .find(|i| i.linkedin_path().is_some_and(|p| same_path(p, path)));
    if let Some(item) = item {
        return (PageKind::Setting, Some(item));
    }
    let overview = path == "/mypreferences"
        || path == "/mypreferences/d"
        || path == "/psettings"
        || path.starts_with("/mypreferences/d/categories/");
    if overview {
        (PageKind::Overview, None)
    } else {
        (PageKind::Settings, None)
    }
}

fn page_message(kind: PageKind) -> String {
    match kind {
        PageKind::SignInWall => "You appear to be signed out of LinkedIn. Sign in, then open Settings & Privacy: Optout Guard reads the settings pages only while you are signed in.",
        PageKind::Empty => "Nothing to read yet: the page has not shown any settings.",
        PageKind::Outside => "This is not a LinkedIn Settings & Privacy page, so Optout Guard reads nothing here.",
        PageKind::Setting | PageKind::Settings | PageKind::Overview => "",
    }
    .to_string()
}

/// The path of a www.linkedin.com URL (absolute, or a path starting with `/`), lowercased,
/// without query, fragment or trailing slash. `None` for any other site.
pub fn linkedin_path(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = if url.starts_with('/') && !url.starts_with("//") {
        url
    } else {
        let lower = url.get(..LINKEDIN_ORIGIN.len())?;
        if !lower.eq_ignore_ascii_case(LINKEDIN_ORIGIN) {
            return None;
        }
        let rest = &url[LINKEDIN_ORIGIN.len()..];
        // "https://www.linkedin.com.evil.example/" must not pass.
        if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
            return None;
        }
        rest
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = rest[..end].trim_end_matches('/').to_ascii_lowercase();
    Some(if path.is_empty() {
        "/".to_string()
    } else {
        path
    })
}

/// `path` is `prefix` or a page below it.
fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn same_path(catalog_path: &str, page_path: &str) -> bool {
    catalog_path
        .trim_end_matches('/')
        .eq_ignore_ascii_case(page_path)
}

/// "de-DE" → "de": LinkedIn's state words differ by language, not by country.
fn primary_language(lang: &str) -> String {
    let lang = lang.trim();
    let end = lang.find(['-', '_']).unwrap_or(lang.len());
    lang[..end].to_ascii_lowercase()
}

/// Cuts page text to a bounded length on a character boundary.
fn cut(text: &str) -> &str {
    match text.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

#[cfg(test)]
#[path = "detect_tests.rs"]
mod tests;
