//! Optout Guard's core: everything the extension decides, in plain Rust.
//!
//! - [`catalog`]: the opt-out settings and steps, compiled in from `catalog.toml`;
//! - [`region`]: which items apply where;
//! - [`detect`]: from a page snapshot to what each switch is and what state it shows;
//! - [`checklist`]: the member's saved checklist, merged from page reports;
//! - [`export`]: the checklist as JSON, CSV and Markdown, and JSON import;
//! - [`time`]: RFC 3339 timestamps without a clock (the caller passes the time in).

pub mod catalog;
pub mod checklist;
pub mod detect;
pub mod error;
pub mod export;
pub mod region;
mod text;
pub mod time;
pub mod vocab;

pub use error::{ImportError, StateError};
