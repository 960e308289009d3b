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
    /// A check of a dataset note's data file failed (`[check.data]` or `--data`).
    DataCheckFailed,
    /// A dataset note's data file could not be read to its end.
    DataUnreadable,
    /// A contract's latency SLA is looser than the latency budget of its requirement sheet.
    SlaOverBudget,
    /// A contract input names a source dataset that has no column of that name.
    InputNotInDataset,
    /// A contract input's type differs from its source dataset column's type.
    InputTypeMismatch,
    /// A fairness requirement is on a slice attribute the sheet's datasets do not record.
    SliceNotRecorded,
    /// A contract input is personal data in its dataset, which states no legal basis.
    PersonalDataNoLegalBasis,
    /// A contract's provider team is not granted access to a dataset the contract uses.
    ProviderNoAccess,
    /// A contract changed since `--against REV` in a way that needs a bigger version bump.
    ContractVersionBump,
    /// A breaking change to a contract since `--against REV` (reported with the bump check).
    ContractBreakingChange,
    /// `[check]` in seam.toml is not valid (an ignore entry without a reason, an unknown level).
    CheckConfig,
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
            Rule::DataCheckFailed => "data-check-failed",
            Rule::DataUnreadable => "data-unreadable",
            Rule::SlaOverBudget => "sla-over-budget",
            Rule::InputNotInDataset => "input-not-in-dataset",
            Rule::InputTypeMismatch => "input-type-mismatch",
            Rule::SliceNotRecorded => "slice-not-recorded",
            Rule::PersonalDataNoLegalBasis => "personal-data-no-legal-basis",
            Rule::ProviderNoAccess => "provider-no-access",
            Rule::ContractVersionBump => "contract-version-bump",
            Rule::ContractBreakingChange => "contract-breaking-change",
            Rule::CheckConfig => "check-config",
            Rule::Lint(code) => code,
        }
    }

    /// One line on what the rule checks (for SARIF's rule metadata); None for lint codes.
    pub fn summary(self) -> Option<&'static str> {
        Some(match self {
            Rule::MetricFailed => "A requirement row misses its threshold",
            Rule::MetricBelowTarget => "A requirement row meets its threshold but not its target",
            Rule::MetricMissing => "A requirement row has no measurement",
            Rule::BudgetExceeded => "A measured value is over a training or inference budget",
            Rule::CheckpointMissed => "A research checkpoint passed without its criterion met",
            Rule::TimeboxExpired => "The research time-box ran out",
            Rule::DataCheckFailed => "A dataset note's check failed on its data file",
            Rule::DataUnreadable => "A dataset note's data file could not be read to its end",
            Rule::SlaOverBudget => "A contract's latency SLA is above its requirement sheet's latency budget",
            Rule::InputNotInDataset => "A contract input is missing from the dataset it comes from",
            Rule::InputTypeMismatch => "A contract input is typed differently in the dataset it comes from",
            Rule::SliceNotRecorded => "A fairness requirement is on an attribute no dataset of the sheet records",
            Rule::PersonalDataNoLegalBasis => "Personal data is used as an input without a legal basis",
            Rule::ProviderNoAccess => "The provider team is not granted access to a dataset it uses",
            Rule::ContractVersionBump => "A contract's version was not bumped enough for its changes",
            Rule::ContractBreakingChange => "A breaking change to a contract",
            Rule::CheckConfig => "The [check] section of seam.toml is not valid",
            Rule::Lint(_) => return None,
        })
    }

    /// Every rule `seam check` can report besides lint codes, in the order of docs/CHECKS.md.
    pub const ALL: [Rule; 17] = [
        Rule::MetricFailed,
        Rule::MetricBelowTarget,
        Rule::MetricMissing,
        Rule::BudgetExceeded,
        Rule::CheckpointMissed,
        Rule::TimeboxExpired,
        Rule::DataCheckFailed,
        Rule::DataUnreadable,
        Rule::SlaOverBudget,
        Rule::InputNotInDataset,
        Rule::InputTypeMismatch,
        Rule::SliceNotRecorded,
        Rule::PersonalDataNoLegalBasis,
        Rule::ProviderNoAccess,
        Rule::ContractVersionBump,
        Rule::ContractBreakingChange,
        Rule::CheckConfig,
    ];
}

/// The other end of a finding that is about two documents (a contract field and the dataset
/// column it comes from): the file, the document, the field and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub rel_path: String,
    pub document: Option<String>,
    pub field: Option<String>,
    pub line: Option<usize>,
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
    /// The other documents the finding is about (consistency checks name both sides).
    pub related: Vec<Related>,
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
            related: Vec::new(),
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
