//! The WebAssembly face of optout-core. It converts types at the edge and forwards; every
//! decision stays in the core. Errors leave as JS `Error`s whose `name` says what went wrong.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use optout_core::checklist::Checklist;
use optout_core::detect::{analyze, PageSnapshot};
use optout_core::export::{self, Body, Format};
use optout_core::{catalog, ImportError, StateError};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Names of the errors JS can tell apart (`error.name`).
mod names {
    pub const INPUT: &str = "OptoutInputError";
    pub const STATE: &str = "OptoutStateError";
    pub const IMPORT: &str = "OptoutImportError";
    pub const ACTION: &str = "OptoutActionError";
}

#[wasm_bindgen(start)]
pub fn start() {
    // A panic is a bug; without the hook it would surface as a bare "unreachable" trap.
    console_error_panic_hook::set_once();
}

fn error(name: &str, message: impl std::fmt::Display) -> JsValue {
    let error = js_sys::Error::new(&message.to_string());
    error.set_name(name);
    error.into()
}

/// Plain JS objects with `null` for absent values, like the JSON in docs/interfaces.md.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error(names::INPUT, e))
}

/// The state is the object the service worker keeps in chrome.storage.local; `undefined` or
/// `null` means nothing was saved yet.
fn load(state: &JsValue) -> Result<Checklist, JsValue> {
    if state.is_undefined() || state.is_null() {
        return Ok(Checklist::default());
    }
    Checklist::load(|| serde_wasm_bindgen::Deserializer::from(state.clone()))
        .map_err(|e: StateError| error(names::STATE, e))
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| error(names::INPUT, format!("{what} has an unexpected shape: {e}")))
}

/// JS numbers are doubles; a timestamp in ms fits exactly.
fn ms(now_ms: f64) -> i64 {
    now_ms as i64
}

#[wasm_bindgen]
pub fn catalog() -> Result<JsValue, JsValue> {
    to_js(catalog::items())
}

#[wasm_bindgen(js_name = analyzePage)]
pub fn analyze_page(snapshot: JsValue) -> Result<JsValue, JsValue> {
    let snapshot: PageSnapshot = from_js(snapshot, "the page snapshot")?;
    to_js(&analyze(&snapshot))
}

#[derive(Serialize)]
struct Scan<'a> {
    report: &'a optout_core::detect::PageReport,
    state: &'a Checklist,
}

/// Reads a page and records it into the checklist in one call: one trip into WASM per scan.
#[wasm_bindgen(js_name = scanPage)]
pub fn scan_page(state: JsValue, snapshot: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let mut checklist = load(&state)?;
    let snapshot: PageSnapshot = from_js(snapshot, "the page snapshot")?;
    let report = analyze(&snapshot);
    checklist.record(&report, ms(now_ms));
    to_js(&Scan {
        report: &report,
        state: &checklist,
    })
}

/// Reads a saved state (migrating older forms); throws `OptoutStateError` if it is corrupt.
#[wasm_bindgen(js_name = checklistLoad)]
pub fn checklist_load(stored: JsValue) -> Result<JsValue, JsValue> {
    to_js(&load(&stored)?)
}

#[wasm_bindgen(js_name = checklistView)]
pub fn checklist_view(state: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    to_js(&load(&state)?.view(ms(now_ms)))
}

#[wasm_bindgen(js_name = checklistSetRegion)]
pub fn checklist_set_region(state: JsValue, region: &str) -> Result<JsValue, JsValue> {
    let mut checklist = load(&state)?;
    checklist
        .set_region(region)
        .map_err(|e| error(names::ACTION, e))?;
    to_js(&checklist)
}

#[wasm_bindgen(js_name = checklistMark)]
pub fn checklist_mark(
    state: JsValue,
    id: &str,
    done: bool,
    now_ms: f64,
) -> Result<JsValue, JsValue> {
    let mut checklist = load(&state)?;
    checklist
        .mark(id, done, ms(now_ms))
        .map_err(|e| error(names::ACTION, e))?;
    to_js(&checklist)
}

/// A fresh state whose notice tells the member their unreadable one was kept under `backupKey`.
#[wasm_bindgen(js_name = checklistAfterUnreadable)]
pub fn checklist_after_unreadable(backup_key: &str) -> Result<JsValue, JsValue> {
    to_js(&Checklist::after_unreadable(backup_key))
}

#[wasm_bindgen(js_name = checklistDismissNotice)]
pub fn checklist_dismiss_notice(state: JsValue) -> Result<JsValue, JsValue> {
    let mut checklist = load(&state)?;
    checklist.dismiss_notice();
    to_js(&checklist)
}

/// `{filename, mime, text}`; the JSON document becomes text here, with the browser's own
/// JSON writer (two-space indent, fields in the format's order).
#[wasm_bindgen(js_name = exportChecklist)]
pub fn export_checklist(
    state: JsValue,
    format: &str,
    now_ms: f64,
    extension_version: &str,
) -> Result<JsValue, JsValue> {
    let checklist = load(&state)?;
    let format = Format::parse(format).map_err(|e| error(names::ACTION, e))?;
    let file = export::export(&checklist, format, ms(now_ms), extension_version);
    let text = match &file.body {
        Body::Text(text) => text.clone(),
        Body::Document(doc) => {
            let json = js_sys::JSON::stringify_with_replacer_and_space(
                &to_js(doc)?,
                &JsValue::NULL,
                &JsValue::from(2),
            )?;
            String::from(json) + "\n"
        }
    };
    to_js(&Download {
        filename: &file.filename,
        mime: file.mime,
        text: &text,
    })
}

#[derive(Serialize)]
struct Download<'a> {
    filename: &'a str,
    mime: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct Import<'a> {
    state: &'a Checklist,
    skipped: &'a [String],
}

/// Validates and restores a JSON export; throws `OptoutImportError` and changes nothing if the
/// file is not one.
#[wasm_bindgen(js_name = importChecklist)]
pub fn import_checklist(text: &str) -> Result<JsValue, JsValue> {
    let refused = |e: ImportError| error(names::IMPORT, e);
    export::check_import_size(text.len()).map_err(refused)?;
    let value = js_sys::JSON::parse(text).map_err(|e| {
        let reason = e
            .dyn_into::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        refused(ImportError::NotJson(reason))
    })?;
    let imported = export::import(|| serde_wasm_bindgen::Deserializer::from(value.clone()))
        .map_err(refused)?;
    to_js(&Import {
        state: &imported.checklist,
        skipped: &imported.skipped,
    })
}
