//! The general shape of a check result, shared by every check Seam runs (`seam check`, and lint
//! findings converted with `Finding::from_issue`): a stable rule id, a severity, the document and
//! row it is about, where, and a message. The CLI writes lists of findings as text, JSON, JUnit
//! and SARIF.

use crate::document::{Issue, Severity};

/// Stable ids of the checks `seam check` runs (documented in docs/CLI.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A measured value misses the row's threshold.
    MetricFailed,
    /// A measured value meets the threshold but not the target.
    MetricBelowTarget,
    /// A row has no measurement (or nothing to check it against).
    MetricMissing,
    /// A training or inference budget is exceeded by the measured value.
    BudgetExceeded,
    /// A research checkpoint's date passed and its criterion was not met.
    CheckpointMissed,
    /// The research time-box ran out.
    TimeboxExpired,
    /// A lint issue, by its code.
    Lint(&'static str),
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::MetricFailed => "metric-failed",
            Rule::MetricBelowTarget => "metric-below-target",
            Rule::MetricMissing => "metric-missing",
            Rule::BudgetExceeded => "budget-exceeded",
            Rule::CheckpointMissed => "checkpoint-missed",
            Rule::TimeboxExpired => "timebox-expired",
            Rule::Lint(code) => code,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// The file it is about, relative to the project root.
    pub rel_path: String,
    /// The document id, when the file is a document.
    pub document: Option<String>,
    /// The item inside the document (a requirement row id), when it is about one.
    pub row: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

impl Finding {
    pub fn from_issue(issue: &Issue) -> Finding {
        Finding {
            rule: Rule::Lint(issue.code),
            severity: issue.severity,
            rel_path: issue.rel_path.clone(),
            document: None,
            row: issue.field.clone(),
            line: issue.line,
            message: issue.message.clone(),
        }
    }

    /// `path:line: severity[rule]: message`, as lint prints issues.
    pub fn display(&self) -> String {
        let location = match self.line {
            Some(line) => format!("{}:{}", self.rel_path, line),
            None => self.rel_path.clone(),
        };
        format!("{location}: {}[{}]: {}", self.severity.as_str(), self.rule.as_str(), self.message)
    }
}
