//! Dataset notes checked against the data: reading CSV, JSON Lines and Parquet as a stream of
//! row batches (`read`), inferring a schema block (`infer`), the documented profile kept next to
//! the note (`profile`), streaming validation against the note's schema and checks (`validate`),
//! and drift of a new file against the documented profile (`drift`).

pub mod drift;
pub mod infer;
pub mod profile;
pub mod read;
pub mod validate;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::document::model::Dataset;
use crate::document::{Document, Kind, Typed};
use crate::project::{Project, WriteError};
use profile::Profile;

/// The column types a dataset note's schema can state (the template lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Number,
    Integer,
    String,
    Boolean,
    Timestamp,
    Category,
}

impl ColumnType {
    pub const ALL: [ColumnType; 6] = [
        ColumnType::Number,
        ColumnType::Integer,
        ColumnType::String,
        ColumnType::Boolean,
        ColumnType::Timestamp,
        ColumnType::Category,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Number => "number",
            ColumnType::Integer => "integer",
            ColumnType::String => "string",
            ColumnType::Boolean => "boolean",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Category => "category",
        }
    }

    pub fn parse(text: &str) -> Option<ColumnType> {
        ColumnType::ALL.into_iter().find(|column_type| column_type.as_str() == text)
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Number | ColumnType::Integer)
    }
}

/// A problem with the data file as a whole (it cannot be opened, its header is unreadable, it
/// stops being readable part-way). `line` is the file line where reading stopped, when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadError {
    pub path: String,
    pub line: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(formatter, "{}:{}: {}", self.path, line, self.message),
            None => write!(formatter, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for ReadError {}

/// Problems with what a command was asked to do (not a dataset note, a schema Seam cannot check).
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0}")]
    Note(String),
    #[error("{path}: {message}")]
    Profile { path: String, message: String },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What the app's dataset view shows of one note: its typed front matter, the documented profile
/// (or why it cannot be read) and the latest validation run on this device.
#[derive(Debug, Clone)]
pub struct NoteOverview {
    pub dataset: Dataset,
    pub profile_rel_path: String,
    pub profile: Option<Profile>,
    pub profile_error: Option<String>,
    pub latest_validation: Option<crate::store::StoredValidation>,
}

pub fn overview(project: &Project, store: &crate::store::Store, rel_path: &str) -> Result<NoteOverview, DatasetError> {
    let (_, dataset) = read_note(project, rel_path)?;
    let (profile, profile_error) = match load_profile(project, rel_path) {
        Ok(profile) => (profile, None),
        Err(error) => (None, Some(error.to_string())),
    };
    Ok(NoteOverview {
        dataset,
        profile_rel_path: profile_rel_path(rel_path),
        profile,
        profile_error,
        latest_validation: store.latest_validation(rel_path)?,
    })
}

/// The documented profile of a note lives next to it: `datasets/x.md` → `datasets/x.profile.json`.
/// It is shared truth (reviewed with the note), so it is a project file, never local state.
pub fn profile_rel_path(note_rel_path: &str) -> String {
    let stem = note_rel_path.strip_suffix(".md").unwrap_or(note_rel_path);
    format!("{stem}.profile.json")
}

/// The typed dataset note at `rel_path`; an error naming the file when it is not a dataset note
/// or its front matter has errors that hide the schema.
pub fn read_note(project: &Project, rel_path: &str) -> Result<(Document, Dataset), DatasetError> {
    let document = project.read_document(rel_path).map_err(|error| DatasetError::Note(error.to_string()))?;
    if document.kind != Some(Kind::Dataset) {
        return Err(DatasetError::Note(format!(
            "{rel_path} is not a dataset note (kind: {})",
            document.kind.map_or("none", Kind::as_str)
        )));
    }
    match &document.typed {
        Some(Typed::Dataset(dataset)) => {
            let dataset = dataset.clone();
            Ok((document, dataset))
        }
        _ => {
            let first = document.issues.first().map(|issue| issue.display()).unwrap_or_default();
            Err(DatasetError::Note(format!("{rel_path}: the front matter cannot be read as a dataset note: {first}")))
        }
    }
}

/// The documented profile of the note at `note_rel_path`, if one was stored.
pub fn load_profile(project: &Project, note_rel_path: &str) -> Result<Option<Profile>, DatasetError> {
    let rel_path = profile_rel_path(note_rel_path);
    let path = project.resolve(&rel_path).map_err(|error| DatasetError::Note(error.to_string()))?;
    match std::fs::read_to_string(&path) {
        Ok(text) => Profile::from_json(&rel_path, &text).map(Some),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(DatasetError::Profile { path: rel_path, message: source.to_string() }),
    }
}

/// Writes the profile next to the note (atomically; refused if the file changes meanwhile).
/// Returns the profile's path relative to the project root.
pub fn store_profile(project: &Project, note_rel_path: &str, profile: &Profile) -> Result<String, DatasetError> {
    let rel_path = profile_rel_path(note_rel_path);
    let path = project.resolve(&rel_path).map_err(|error| DatasetError::Note(error.to_string()))?;
    let current = match std::fs::read(&path) {
        Ok(bytes) => Some(crate::document::content_hash(&bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(DatasetError::Write { path: rel_path, source }),
    };
    crate::project::write_atomic(&path, profile.to_json().as_bytes(), current.as_deref()).map_err(
        |error| match error {
            WriteError::Io(source) => DatasetError::Write { path: rel_path.clone(), source },
            WriteError::Changed { .. } => DatasetError::Profile {
                path: rel_path.clone(),
                message: "changed on disk while the profile was taken; run the command again".to_string(),
            },
        },
    )?;
    Ok(rel_path)
}

/// A data file's name as reports show it: as given, with `/` separators.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Values in samples and messages are cut to this many characters (a multi-megabyte cell must not
/// flood a report).
pub const SAMPLE_CHARS: usize = 80;

pub(crate) fn shorten(text: &str) -> String {
    match text.char_indices().nth(SAMPLE_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
        None => text.to_string(),
    }
}

/// Seam's timestamp form: an ISO 8601 / RFC 3339 date (`2026-11-18`) or date and time
/// (`2026-11-18T10:00:00Z`, `2026-11-18 10:00`, fractions of a second, `Z` or `±hh:mm`).
pub fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits =
        |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|part| part.iter().all(u8::is_ascii_digit));
    if bytes.len() < 10 || !digits(0..4) || bytes[4] != b'-' || !digits(5..7) || bytes[7] != b'-' || !digits(8..10) {
        return false;
    }
    let month = (bytes[5] - b'0') * 10 + (bytes[6] - b'0');
    let day = (bytes[8] - b'0') * 10 + (bytes[9] - b'0');
    let year = text[..4].parse::<u32>().unwrap_or(0);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month {
        return false;
    }
    if bytes.len() == 10 {
        return true;
    }
    if !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes.len() < 16
        || !digits(11..13)
        || bytes[13] != b':'
        || !digits(14..16)
    {
        return false;
    }
    let hour = (bytes[11] - b'0') * 10 + (bytes[12] - b'0');
    let minute = (bytes[14] - b'0') * 10 + (bytes[15] - b'0');
    if hour > 23 || minute > 59 {
        return false;
    }
    let mut at = 16;
    if bytes.get(at) == Some(&b':') {
        if !digits(at + 1..at + 3) || bytes[at + 1] > b'6' {
            return false;
        }
        at += 3;
        if bytes.get(at) == Some(&b'.') {
            let start = at + 1;
            at = start;
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            if at == start {
                return false;
            }
        }
    }
    match &bytes[at..] {
        [] | [b'Z'] | [b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] | [b'+' | b'-', h1, h2, m1, m2] => {
            [h1, h2, m1, m2].iter().all(|digit| digit.is_ascii_digit())
        }
        [b'+' | b'-', h1, h2] => h1.is_ascii_digit() && h2.is_ascii_digit(),
        _ => false,
    }
}

/// Text that reads as a boolean in a CSV file.
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        for good in ["2026-11-18", "2026-11-18T10:00:00Z", "2026-11-18 10:00", "2026-11-18T10:00:00.123+01:00"] {
            assert!(is_timestamp(good), "{good}");
        }
        assert!(is_timestamp("2024-02-29"));
        for bad in [
            "2026-13-01",
            "2026-02-29",
            "2026-04-31",
            "18/11/2026",
            "2026-11-18T25:00",
            "2026-11-18T10:00:00.",
            "yesterday",
            "",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(1000);
        let short = shorten(&long);
        assert!(short.ends_with("… (1000 bytes)"), "{short}");
        assert_eq!(shorten("short"), "short");
    }
}
