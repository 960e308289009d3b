//! The checks `seam check` runs besides the metric thresholds, each turned into findings: lint
//! issues, dataset notes against their data files, consistency across documents, and contract
//! evolution against an earlier revision. `checkconfig::apply` then sets severities and ignores.

use std::path::Path;

use crate::check::{Finding, Rule};
use crate::dataset::validate::{self, CheckStatus, ValidateOptions};
use crate::document::{yaml, Document, Kind, Severity, Typed};
use crate::evolution;
use crate::history;
use crate::project::{Project, ProjectError};
use crate::store::Store;

/// Every lint issue of the project, whose parsed documents are `documents`
/// (`Project::read_all`), as a finding whose rule is the issue's code.
pub fn lint_findings(project: &Project, documents: &[Document]) -> Vec<Finding> {
    crate::lint::lint_parsed(project, documents).issues.iter().map(Finding::from_issue).collect()
}

/// The dataset note with id `id` (or at path `id`), if there is exactly one.
pub fn find_dataset<'a>(documents: &'a [Document], id: &str) -> Option<&'a Document> {
    let mut matching = documents
        .iter()
        .filter(|document| document.kind == Some(Kind::Dataset) && (document.id == id || document.rel_path == id));
    match (matching.next(), matching.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

fn schema_line(note: &Document, column: Option<&str>) -> Option<usize> {
    let schema = note.tree.as_ref()?.get("schema")?;
    if let (Some(column), yaml::NodeValue::Sequence { items, .. }) = (column, &schema.value) {
        if let Some(item) = items.iter().find(|item| item.get("name").and_then(yaml::Node::as_str) == Some(column)) {
            return Some(item.line);
        }
    }
    Some(schema.line)
}

/// Validates the data file at `data_path` (shown as `shown`) against the dataset note `note`:
/// a `data-check-failed` error per failed check, on the column's line in the note, and
/// `data-unreadable` when the file cannot be read to its end.
pub fn data_findings(note: &Document, data_path: &Path, shown: &str) -> Vec<Finding> {
    let base = |rule: Rule, row: Option<String>, line: Option<usize>, message: String| Finding {
        rule,
        severity: Severity::Error,
        rel_path: note.rel_path.clone(),
        document: Some(note.id.clone()),
        row,
        line,
        message,
        related: Vec::new(),
    };
    let Some(Typed::Dataset(dataset)) = &note.typed else {
        return vec![base(
            Rule::DataUnreadable,
            None,
            None,
            format!("{} cannot be read as a dataset note, so {shown} was not checked", note.rel_path),
        )];
    };
    let report = match validate::validate(dataset, data_path, &ValidateOptions { samples: 1, ..Default::default() }) {
        Ok(report) => report,
        Err(error) => return vec![base(Rule::DataUnreadable, None, schema_line(note, None), error.to_string())],
    };
    let mut findings = Vec::new();
    for check in report.checks.iter().filter(|check| check.status == CheckStatus::Failed) {
        let subject = check.column.as_deref().map(|column| format!("{column}: ")).unwrap_or_default();
        let sample = check.samples.first().map(|sample| {
            let line = sample.line.map(|line| format!(" (line {line})")).unwrap_or_default();
            let value = sample.value.as_deref().map_or_else(|| "empty".to_string(), |value| format!("{value:?}"));
            let note = sample.note.as_deref().map(|note| format!(": {note}")).unwrap_or_default();
            format!("; first: row {}{line} {value}{note}", sample.row)
        });
        let rows = match (check.check.as_str(), check.failing) {
            ("header", _) => String::new(),
            (_, 1) => " — 1 failing row".to_string(),
            (_, failing) => format!(" — {failing} failing rows"),
        };
        findings.push(base(
            Rule::DataCheckFailed,
            Some(check.column.clone().unwrap_or_else(|| check.check.clone())),
            schema_line(note, check.column.as_deref()),
            format!(
                "{shown}: {subject}{} {}{rows}{}{}",
                check.check,
                check.rule,
                check.message.as_deref().map(|message| format!(" ({message})")).unwrap_or_default(),
                sample.unwrap_or_default()
            ),
        ));
    }
    if let Some(error) = &report.read_error {
        findings.push(base(
            Rule::DataUnreadable,
            None,
            schema_line(note, None),
            format!("{error}; {} rows read before the error, so the data checks are incomplete", report.rows),
        ));
    }
    findings
}

/// How `--against REV` is read: a git revision (applied to every contract) or a version in the
/// local history (applied to the contract that has it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    Git { commit: String },
    Local { rev: String },
}

/// Reads `rev`: `git:REV` or anything git resolves to a commit is git; 6+ hex characters are a
/// local history version.
pub fn parse_against(project: &Project, rev: &str) -> Result<Against, ProjectError> {
    let wanted = rev.strip_prefix("git:").unwrap_or(rev);
    if let Some(commit) = history::git_commit(&project.root, wanted) {
        return Ok(Against::Git { commit });
    }
    let hex = rev.trim_start_matches("sha256:");
    if !rev.starts_with("git:") && hex.len() >= 6 && hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Ok(Against::Local { rev: rev.to_string() });
    }
    Err(ProjectError::NotFound {
        what: format!(
            "revision {rev} (give a git revision such as HEAD~1 or a tag, `git:COMMIT`, or 6+ hex characters of a version from `seam history`)"
        ),
    })
}

/// The evolution of every contract since `against`: `contract-version-bump` when a contract's
/// version was not bumped enough, and the breaking changes as `contract-breaking-change` (info).
/// A contract that did not exist at that revision is new and not compared.
pub fn against_findings(
    project: &Project,
    store: &Store,
    documents: &[Document],
    against: &Against,
    shown: &str,
) -> Result<Vec<Finding>, ProjectError> {
    let mut findings = Vec::new();
    let mut compared = 0;
    let contracts: Vec<&Document> = documents.iter().filter(|document| document.kind == Some(Kind::Contract)).collect();
    let old_texts: Vec<Option<String>> = match against {
        Against::Git { commit } => {
            let paths: Vec<String> = contracts.iter().map(|document| document.rel_path.clone()).collect();
            let texts = history::git_contents(&project.root, commit, &paths);
            if texts.len() != paths.len() {
                return Err(ProjectError::NotFound { what: format!("git revision {shown} (git could not be run)") });
            }
            texts
        }
        Against::Local { rev } => {
            let mut texts = Vec::with_capacity(contracts.len());
            for document in &contracts {
                texts.push(match history::content(project, store, &document.rel_path, rev) {
                    Ok(old) => Some(old),
                    Err(ProjectError::NotFound { .. }) => None,
                    Err(error) => return Err(error),
                });
            }
            texts
        }
    };
    for (document, old) in contracts.into_iter().zip(old_texts) {
        // A contract that did not exist at that revision is new: nothing to compare.
        let Some(old) = old else { continue };
        compared += 1;
        match evolution::classify_texts(&document.rel_path, &old, &document.text) {
            Ok(evolution) => findings.extend(evolution::findings(document, shown, &evolution)),
            Err(problem) => findings.push(Finding {
                rule: Rule::ContractVersionBump,
                severity: Severity::Error,
                rel_path: document.rel_path.clone(),
                document: Some(document.id.clone()),
                row: Some("version".to_string()),
                line: None,
                message: format!("cannot compare with {shown}: {problem}"),
                related: Vec::new(),
            }),
        }
    }
    if compared == 0 {
        if let Against::Local { rev } = against {
            return Err(ProjectError::NotFound { what: format!("contract with a version {rev} in its history") });
        }
    }
    Ok(findings)
}
