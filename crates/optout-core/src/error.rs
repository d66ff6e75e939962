//! What can go wrong with input from outside: stored state, import files, member actions.

use thiserror::Error;

/// The saved checklist could not be read. The caller keeps the raw value aside.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum StateError {
    #[error("the saved checklist has no schema version")]
    NoSchema,
    #[error("the saved checklist was written by a newer Optout Guard (schema {found}, this version reads up to {supported})")]
    NewerSchema { found: u64, supported: u32 },
    #[error("the saved checklist has an unexpected shape ({0})")]
    Shape(String),
}

/// An import file was refused; nothing was changed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("the file is too large to be an Optout Guard export ({size} bytes; at most {max})")]
    TooLarge { size: usize, max: usize },
    #[error("the file is not JSON ({0})")]
    NotJson(String),
    #[error("the file is not an Optout Guard checklist export (format should be \"optout-guard/checklist\")")]
    WrongFormat,
    #[error(
        "the file is an export of version {found}; this Optout Guard reads version {supported}"
    )]
    WrongVersion { found: String, supported: u32 },
    #[error("the file has an unexpected shape: {0}")]
    Shape(String),
}

/// A member action named something the checklist cannot do.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ActionError {
    #[error("no checklist item is called \"{0}\"")]
    UnknownItem(String),
    #[error("\"{0}\" is read from LinkedIn's page and cannot be marked done by hand")]
    NotManual(String),
    #[error(
        "\"{0}\" is not a region (expected one of eu-eea, uk, ch, ca, hk, us, other, unknown)"
    )]
    UnknownRegion(String),
    #[error("\"{0}\" is not an export format (expected json, csv or markdown)")]
    UnknownFormat(String),
}
