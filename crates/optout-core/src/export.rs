//! The checklist as evidence the member keeps: JSON (a versioned public format that can be
//! imported again), CSV and Markdown.

use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer, Serialize};

use crate::catalog::{self, Category, Kind, Tier};
use crate::checklist::{Checklist, Entry, Status};
use crate::error::{ActionError, ImportError};
use crate::region::Region;
use crate::time::{format_date, format_rfc3339, parse_rfc3339};

pub const FORMAT: &str = "optout-guard/checklist";
pub const VERSION: u32 = 1;
/// A full export is a few kilobytes; anything this big is not one.
pub const MAX_IMPORT_BYTES: usize = 512 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Markdown,
}

impl Format {
    pub fn parse(word: &str) -> Result<Format, ActionError> {
        match word {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "markdown" | "md" => Ok(Format::Markdown),
            other => Err(ActionError::UnknownFormat(other.to_string())),
        }
    }
}

/// A file ready to download. The JSON export is handed over as a document: turning it into
/// text is the host's job (in the browser, `JSON.stringify`), so no JSON writer ships in WASM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedFile {
    pub filename: String,
    pub mime: &'static str,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Body {
    Text(String),
    Document(ExportDocument),
}

/// The JSON export, field for field. Field order is part of the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportDocument {
    pub format: String,
    pub version: u32,
    pub exported_at: String,
    pub region: Region,
    pub extension_version: String,
    pub items: Vec<ExportItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportItem {
    pub id: String,
    pub title: String,
    pub tier: Tier,
    pub category: Category,
    pub status: Status,
    pub last_seen: Option<String>,
    pub evidence: Option<String>,
    pub url: String,
}

pub fn document(checklist: &Checklist, now_ms: i64, extension_version: &str) -> ExportDocument {
    let items = catalog::items()
        .iter()
        .map(|item| {
            let entry = checklist.items.get(item.id);
            ExportItem {
                id: item.id.to_string(),
                title: item.title.to_string(),
                tier: item.tier,
                category: item.category,
                status: checklist.status(item),
                last_seen: entry.and_then(|e| e.last_seen_ms).map(format_rfc3339),
                evidence: entry.and_then(|e| e.evidence.clone()),
                url: item.url.to_string(),
            }
        })
        .collect();
    ExportDocument {
        format: FORMAT.to_string(),
        version: VERSION,
        exported_at: format_rfc3339(now_ms),
        region: checklist.region,
        extension_version: extension_version.to_string(),
        items,
    }
}

pub fn export(
    checklist: &Checklist,
    format: Format,
    now_ms: i64,
    extension_version: &str,
) -> ExportedFile {
    let doc = document(checklist, now_ms, extension_version);
    let stem = format!("optout-guard-checklist-{}", format_date(now_ms));
    match format {
        Format::Json => ExportedFile {
            filename: format!("{stem}.json"),
            mime: "application/json",
            body: Body::Document(doc),
        },
        Format::Csv => ExportedFile {
            filename: format!("{stem}.csv"),
            mime: "text/csv",
            body: Body::Text(csv(&doc)),
        },
        Format::Markdown => ExportedFile {
            filename: format!("{stem}.md"),
            mime: "text/markdown",
            body: Body::Text(markdown(checklist, &doc)),
        },
    }
}

fn csv(doc: &ExportDocument) -> String {
    let mut out = String::from("id,title,tier,status,last_seen,url\r\n");
    for item in &doc.items {
        let fields = [
            item.id.as_str(),
            item.title.as_str(),
            tier_word(item.tier),
            item.status.id(),
            item.last_seen.as_deref().unwrap_or(""),
            item.url.as_str(),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// RFC 4180: quote a field holding a comma, quote or line break, doubling inner quotes.
pub fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

fn markdown(checklist: &Checklist, doc: &ExportDocument) -> String {
    let summary = checklist.summary();
    let mut out = format!(
        "# LinkedIn opt-out checklist\n\nExported {} by Optout Guard {}. Region: {}.\n\n**{}.**\n",
        doc.exported_at,
        md_escape(&doc.extension_version),
        checklist.region.label(),
        summary.text
    );
    for (tier, heading) in [
        (Tier::Essential, "Essential"),
        (Tier::Recommended, "Recommended"),
        (Tier::Optional, "Optional"),
    ] {
        out.push_str(&format!("\n## {heading}\n\n"));
        for item in doc.items.iter().filter(|i| i.tier == tier) {
            let mark = if item.status.is_safe() { "x" } else { " " };
            let seen = match &item.last_seen {
                Some(at) => format!("last seen {at}"),
                None => "not seen yet".to_string(),
            };
            out.push_str(&format!(
                "- [{mark}] **{}**: {} ({seen}). <{}>\n",
                md_escape(&item.title),
                status_words(item.status),
                item.url
            ));
            if let Some(evidence) = &item.evidence {
                out.push_str(&format!("  - Evidence: {}\n", md_escape(evidence)));
            }
        }
    }
    out.push_str(
        "\nOpting out stops future use only: LinkedIn does not undo training already done.\n",
    );
    out
}

fn status_words(status: Status) -> &'static str {
    match status {
        Status::Off => "off",
        Status::On => "ON, still lets LinkedIn use your data",
        Status::Unknown => "not read yet",
        Status::NotApplicable => "does not apply in your region",
        Status::Done => "done",
        Status::Todo => "to do",
    }
}

fn tier_word(tier: Tier) -> &'static str {
    match tier {
        Tier::Essential => "essential",
        Tier::Recommended => "recommended",
        Tier::Optional => "optional",
    }
}

/// Evidence quotes page text; escape it so it cannot become a link or markup in a report.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
    }
    out
}

/// The two fields that say whether a file is an export at all.
#[derive(Deserialize)]
struct FormatProbe {
    format: Option<String>,
    version: Option<u64>,
}

/// The result of a successful import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub checklist: Checklist,
    /// Item ids in the file that this version does not know (from a newer version).
    pub skipped: Vec<String>,
}

/// Refuses a file too large to be an export, before anyone parses it.
pub fn check_import_size(bytes: usize) -> Result<(), ImportError> {
    if bytes > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge {
            size: bytes,
            max: MAX_IMPORT_BYTES,
        });
    }
    Ok(())
}

/// Restores a checklist from a parsed JSON export (`file` makes a fresh deserializer over it
/// each call). Refuses anything that is not exactly an export of this version. The caller
/// checks the size with [`check_import_size`] and parses the text.
pub fn import<'de, D, F>(file: F) -> Result<Imported, ImportError>
where
    F: Fn() -> D,
    D: Deserializer<'de>,
{
    // Format and version first: a file from elsewhere gets "not an export", not a field error.
    let probe = FormatProbe::deserialize(file()).map_err(|_| ImportError::WrongFormat)?;
    if probe.format.as_deref() != Some(FORMAT) {
        return Err(ImportError::WrongFormat);
    }
    match probe.version {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(ImportError::WrongVersion {
                found: v.to_string(),
                supported: VERSION,
            })
        }
        None => return Err(ImportError::Shape("no version".to_string())),
    }
    let doc = ExportDocument::deserialize(file()).map_err(|e| ImportError::Shape(e.to_string()))?;
    if parse_rfc3339(&doc.exported_at).is_none() {
        return Err(ImportError::Shape(format!(
            "exported_at \"{}\" is not an RFC 3339 time",
            doc.exported_at
        )));
    }
    let mut checklist = Checklist {
        region: doc.region,
        ..Checklist::default()
    };
    let mut seen = BTreeSet::new();
    let mut skipped = Vec::new();
    for item in doc.items {
        if !seen.insert(item.id.clone()) {
            return Err(ImportError::Shape(format!(
                "item \"{}\" appears twice",
                item.id
            )));
        }
        let Some(known) = catalog::item(&item.id) else {
            skipped.push(item.id);
            continue;
        };
        let last_seen_ms = match &item.last_seen {
            Some(at) => Some(parse_rfc3339(at).ok_or_else(|| {
                ImportError::Shape(format!(
                    "{}: last_seen \"{at}\" is not an RFC 3339 time",
                    item.id
                ))
            })?),
            None => None,
        };
        let allowed = match known.kind {
            Kind::Switch => matches!(
                item.status,
                Status::On | Status::Off | Status::Unknown | Status::NotApplicable
            ),
            Kind::Manual => matches!(
                item.status,
                Status::Done | Status::Todo | Status::NotApplicable
            ),
        };
        if !allowed {
            return Err(ImportError::Shape(format!(
                "{}: status \"{}\" does not fit a {} item",
                item.id,
                item.status.id(),
                if known.kind == Kind::Switch {
                    "switch"
                } else {
                    "manual"
                }
            )));
        }
        // Derived statuses (never read, to do, not applicable) need no entry to come back the same.
        let derived = matches!(item.status, Status::Todo | Status::NotApplicable)
            || (item.status == Status::Unknown
                && last_seen_ms.is_none()
                && item.evidence.is_none());
        if derived {
            continue;
        }
        checklist.items.insert(
            item.id,
            Entry {
                status: item.status,
                last_seen_ms,
                evidence: item.evidence,
                previous: None,
                changed_ms: None,
            },
        );
    }
    Ok(Imported { checklist, skipped })
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
