//! `[check]` in seam.toml: per-rule severity, an ignore list in which every entry gives its
//! reason, and the data files that dataset notes are validated against by `seam check`.
//! Reading it never fails: a problem in it is a `check-config` finding naming seam.toml and the
//! line. Applying it to a list of findings is a pure function.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::check::{Finding, Rule};
use crate::document::Severity;
use crate::project::CONFIG_FILE;

/// What `[check.severity]` sets a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
    /// The rule is not reported at all.
    Off,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            "off" => Some(Level::Off),
            _ => None,
        }
    }
}

/// One `[[check.ignore]]` entry: findings of `rule` (on `document` — an id or a path — or on
/// every document when absent) are left out of the verdict and listed with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub rule: String,
    pub document: Option<String>,
    pub reason: String,
    /// The entry's line in seam.toml.
    pub line: usize,
}

/// A data file named in `[check.data]`: a path inside the project, and the line that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    pub rel_path: String,
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct CheckConfig {
    /// Rule id → level (rules of `check-config` itself cannot be changed).
    pub severity: BTreeMap<String, (Level, usize)>,
    pub ignore: Vec<Ignore>,
    /// Dataset note id → its data file.
    pub data: BTreeMap<String, DataFile>,
    /// What is wrong with `[check]`, as `check-config` findings on seam.toml.
    pub problems: Vec<Finding>,
}

#[derive(Deserialize)]
struct RawFile {
    check: Option<RawCheck>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<RawIgnore>>,
    #[serde(default)]
    data: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    rule: Option<String>,
    document: Option<String>,
    reason: Option<String>,
}

/// Lint codes `seam lint` reports (docs/CLI.md), accepted as rule ids in `[check]`.
pub const LINT_CODES: &[&str] = &[
    "yaml-syntax",
    "no-front-matter",
    "unterminated-front-matter",
    "empty-file",
    "binary-file",
    "not-utf8",
    "too-large",
    "io",
    "missing-kind",
    "unknown-kind",
    "required-field",
    "field-shape",
    "unknown-link",
    "duplicate-id",
    "merge-conflict",
    "metrics-run",
    "sync-conflict-copy",
    "agreed-without-signoff",
    "signoff-hash",
    "signoff-role",
];

fn is_known_rule(rule: &str) -> bool {
    LINT_CODES.contains(&rule) || Rule::ALL.iter().any(|known| known.as_str() == rule)
}

fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

fn problem(severity: Severity, line: Option<usize>, message: String) -> Finding {
    Finding {
        rule: Rule::CheckConfig,
        severity,
        rel_path: CONFIG_FILE.to_string(),
        document: None,
        row: None,
        line,
        message,
        related: Vec::new(),
    }
}

/// Reads the `[check]` table of seam.toml's text.
pub fn parse(text: &str) -> CheckConfig {
    let mut config = CheckConfig::default();
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(error) => {
            let line = error.span().map(|span| line_of(text, span.start));
            config.problems.push(problem(Severity::Error, line, format!("[check]: {}", error.message().trim())));
            return config;
        }
    };
    let Some(check) = raw.check else { return config };
    for (rule, level) in check.severity {
        let line = line_of(text, level.span().start);
        match Level::parse(level.get_ref()) {
            None => config.problems.push(problem(
                Severity::Error,
                Some(line),
                format!(
                    "[check.severity] {rule} = \"{}\": not a level; use \"error\", \"warning\", \"info\" or \"off\"",
                    level.get_ref()
                ),
            )),
            Some(_) if rule == Rule::CheckConfig.as_str() => config.problems.push(problem(
                Severity::Error,
                Some(line),
                "[check.severity] check-config cannot be changed: fix the problems in [check] instead".to_string(),
            )),
            Some(parsed) => {
                if !is_known_rule(&rule) {
                    config.problems.push(problem(
                        Severity::Warning,
                        Some(line),
                        format!("[check.severity] {rule}: no check has this rule id (docs/CHECKS.md lists them)"),
                    ));
                }
                config.severity.insert(rule, (parsed, line));
            }
        }
    }
    for entry in check.ignore {
        let line = line_of(text, entry.span().start);
        let entry = entry.into_inner();
        let Some(rule) = entry.rule.filter(|rule| !rule.trim().is_empty()) else {
            config.problems.push(problem(
                Severity::Error,
                Some(line),
                "[[check.ignore]] entry has no `rule`: name the rule id to ignore".to_string(),
            ));
            continue;
        };
        let Some(reason) = entry.reason.filter(|reason| !reason.trim().is_empty()) else {
            config.problems.push(problem(
                Severity::Error,
                Some(line),
                format!("[[check.ignore]] for {rule} has no `reason`: say why it may be ignored, or remove the entry"),
            ));
            continue;
        };
        if rule == Rule::CheckConfig.as_str() {
            config.problems.push(problem(
                Severity::Error,
                Some(line),
                "[[check.ignore]] cannot ignore check-config: fix the problems in [check] instead".to_string(),
            ));
            continue;
        }
        if !is_known_rule(&rule) {
            config.problems.push(problem(
                Severity::Warning,
                Some(line),
                format!("[[check.ignore]] {rule}: no check has this rule id (docs/CHECKS.md lists them)"),
            ));
        }
        config.ignore.push(Ignore { rule, document: entry.document, reason, line });
    }
    for (id, path) in check.data {
        let line = line_of(text, path.span().start);
        config.data.insert(id, DataFile { rel_path: path.into_inner(), line });
    }
    config
}

/// A finding left out of the verdict by an ignore entry, with the entry's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub finding: Finding,
    pub reason: String,
    /// The ignore entry's line in seam.toml.
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// What counts, with severities as configured, sorted by file, line and rule.
    pub findings: Vec<Finding>,
    pub ignored: Vec<Ignored>,
    /// Findings of rules set to `off`.
    pub off: usize,
}

fn ignore_matches(entry: &Ignore, finding: &Finding) -> bool {
    entry.rule == finding.rule.as_str()
        && entry
            .document
            .as_deref()
            .is_none_or(|document| finding.document.as_deref() == Some(document) || finding.rel_path == document)
}

/// Applies severities and the ignore list to `findings`; `config.problems` are added, plus a
/// warning for each ignore entry that matched nothing (so the list does not outlive its reasons).
pub fn apply(config: &CheckConfig, findings: Vec<Finding>) -> Applied {
    let mut applied = Applied::default();
    let mut used = vec![false; config.ignore.len()];
    for mut finding in findings {
        if finding.rule != Rule::CheckConfig {
            if let Some(index) = config.ignore.iter().position(|entry| ignore_matches(entry, &finding)) {
                used[index] = true;
                let entry = &config.ignore[index];
                applied.ignored.push(Ignored { finding, reason: entry.reason.clone(), line: entry.line });
                continue;
            }
            match config.severity.get(finding.rule.as_str()).map(|(level, _)| *level) {
                Some(Level::Off) => {
                    applied.off += 1;
                    continue;
                }
                Some(Level::Error) => finding.severity = Severity::Error,
                Some(Level::Warning) => finding.severity = Severity::Warning,
                Some(Level::Info) => finding.severity = Severity::Info,
                None => {}
            }
        }
        applied.findings.push(finding);
    }
    applied.findings.extend(config.problems.iter().cloned());
    for (entry, used) in config.ignore.iter().zip(used) {
        if !used {
            applied.findings.push(problem(
                Severity::Warning,
                Some(entry.line),
                format!(
                    "[[check.ignore]] for {}{} matches no finding; remove it",
                    entry.rule,
                    entry.document.as_ref().map(|document| format!(" on {document}")).unwrap_or_default()
                ),
            ));
        }
    }
    applied.findings.sort_by(|a, b| {
        (a.rel_path.as_str(), a.line, a.rule.as_str()).cmp(&(b.rel_path.as_str(), b.line, b.rule.as_str()))
    });
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: Rule, document: &str) -> Finding {
        Finding {
            rule,
            severity: Severity::Error,
            rel_path: format!("contracts/{document}.md"),
            document: Some(document.to_string()),
            row: None,
            line: Some(3),
            message: "m".to_string(),
            related: Vec::new(),
        }
    }

    #[test]
    fn an_ignore_entry_without_a_reason_is_an_error_on_its_line() {
        let config = parse("[project]\nname = \"x\"\n\n[[check.ignore]]\nrule = \"sla-over-budget\"\n");
        assert!(config.ignore.is_empty());
        assert_eq!(config.problems.len(), 1);
        assert_eq!(config.problems[0].rel_path, "seam.toml");
        assert_eq!(config.problems[0].line, Some(4));
        assert_eq!(config.problems[0].severity, Severity::Error);
        assert!(config.problems[0].message.contains("no `reason`"), "{}", config.problems[0].message);
    }

    #[test]
    fn severities_and_ignores_apply_and_unused_entries_are_reported() {
        let text = "[check.severity]\nmetric-missing = \"off\"\nsla-over-budget = \"info\"\n\n\
                    [[check.ignore]]\nrule = \"provider-no-access\"\ndocument = \"api\"\nreason = \"granted by ticket 12\"\n\n\
                    [[check.ignore]]\nrule = \"duplicate-id\"\nreason = \"kept\"\n";
        let config = parse(text);
        assert!(config.problems.is_empty(), "{:?}", config.problems);
        let applied = apply(
            &config,
            vec![
                finding(Rule::MetricMissing, "sheet"),
                finding(Rule::SlaOverBudget, "api"),
                finding(Rule::ProviderNoAccess, "api"),
                finding(Rule::ProviderNoAccess, "other"),
            ],
        );
        assert_eq!(applied.off, 1);
        assert_eq!(applied.ignored.len(), 1);
        assert_eq!(applied.ignored[0].reason, "granted by ticket 12");
        let shown: Vec<(&str, Severity)> =
            applied.findings.iter().map(|finding| (finding.rule.as_str(), finding.severity)).collect();
        assert_eq!(
            shown,
            vec![
                ("sla-over-budget", Severity::Info),
                ("provider-no-access", Severity::Error),
                ("check-config", Severity::Warning),
            ]
        );
        assert_eq!(applied.findings[2].line, Some(10));
    }

    #[test]
    fn a_bad_level_and_a_wrong_shape_name_the_line() {
        let config = parse("[check.severity]\nmetric-failed = \"fatal\"\n");
        assert_eq!(config.problems[0].line, Some(2));
        let config = parse("[check]\nseverity = 3\n");
        assert_eq!(config.problems.len(), 1);
        assert_eq!(config.problems[0].line, Some(2));
    }
}
