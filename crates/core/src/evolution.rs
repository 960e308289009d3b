//! Contract evolution: every change between two versions of a contract, classified as breaking
//! or not with the semantic-version bump it requires (docs/CHECKS.md has the table), and whether
//! the version field was bumped enough. Inputs are what consumers send (narrowing them breaks
//! consumers); outputs are what consumers read (widening them, or changing their meaning, breaks
//! consumers).

use crate::check::{Finding, Rule};
use crate::document::model::{Contract, Field, Range, Sla};
use crate::document::{parse_document, Document, Severity, Typed};
use crate::metrics::check::format_number;

/// A semantic-version bump, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// In the `seam set` path syntax: `input[name=amount].range`, `sla.latency_p95_ms`.
    pub path: String,
    /// A stable kind (docs/CHECKS.md): `field-removed`, `range-narrowed`, `meaning-changed`…
    pub kind: &'static str,
    pub breaking: bool,
    pub bump: Bump,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evolution {
    pub changes: Vec<Change>,
    pub required_bump: Bump,
    pub version_from: Option<String>,
    pub version_to: Option<String>,
    /// The bump the version field shows (None when either version is not `MAJOR.MINOR.PATCH`;
    /// `Bump::None` also when the version went down).
    pub actual_bump: Option<Bump>,
    pub bumped_enough: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Output,
}

impl Side {
    fn key(self) -> &'static str {
        match self {
            Side::Input => "input",
            Side::Output => "output",
        }
    }
}

fn change(path: String, kind: &'static str, bump: Bump, detail: String) -> Change {
    Change { path, kind, breaking: bump == Bump::Major, bump, detail }
}

/// `1.4.0` → (1, 4, 0); a pre-release or build suffix is ignored.
pub fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.trim().trim_start_matches('v');
    let core = core.split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((major, minor, patch))
}

/// The bump from `from` to `to`. Below 1.0.0 a minor bump may break (semver item 4), so it
/// counts as major, and a patch bump as minor.
pub fn version_bump(from: (u64, u64, u64), to: (u64, u64, u64)) -> Bump {
    if to <= from {
        return Bump::None;
    }
    if to.0 > from.0 {
        Bump::Major
    } else if to.1 > from.1 {
        if from.0 == 0 {
            Bump::Major
        } else {
            Bump::Minor
        }
    } else if from.0 == 0 {
        Bump::Minor
    } else {
        Bump::Patch
    }
}

fn show(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn show_range(range: &Option<Range>) -> String {
    match range {
        None => "unbounded".to_string(),
        Some([low, high]) => format!(
            "[{}, {}]",
            low.map_or_else(|| "null".to_string(), format_number),
            high.map_or_else(|| "null".to_string(), format_number)
        ),
    }
}

/// (new allows values the old did not, old allowed values the new does not).
fn range_shift(old: &Option<Range>, new: &Option<Range>) -> (bool, bool) {
    let bounds = |range: &Option<Range>| match range {
        None => (f64::NEG_INFINITY, f64::INFINITY),
        Some([low, high]) => (low.unwrap_or(f64::NEG_INFINITY), high.unwrap_or(f64::INFINITY)),
    };
    let ((old_low, old_high), (new_low, new_high)) = (bounds(old), bounds(new));
    (new_low < old_low || new_high > old_high, new_low > old_low || new_high < old_high)
}

/// `integer` values are `number`s and `category` values are `string`s: the second is wider.
fn type_widens(from: &str, to: &str) -> bool {
    matches!((from, to), ("integer", "number") | ("category", "string"))
}

fn compare_field(side: Side, old: &Field, new: &Field, out: &mut Vec<Change>) {
    let path = format!("{}[name={}]", side.key(), new.name);
    let input = side == Side::Input;
    if old.field_type != new.field_type {
        // An input that accepts more, or an output that promises less variety, breaks no consumer.
        let harmless = if input {
            type_widens(&old.field_type, &new.field_type)
        } else {
            type_widens(&new.field_type, &old.field_type)
        };
        out.push(change(
            format!("{path}.type"),
            "type-changed",
            if harmless { Bump::Minor } else { Bump::Major },
            format!("{} -> {}", old.field_type, new.field_type),
        ));
    }
    if old.range != new.range {
        let (widened, narrowed) = range_shift(&old.range, &new.range);
        let detail = format!("{} -> {}", show_range(&old.range), show_range(&new.range));
        let (kind, bump) = match (widened, narrowed, input) {
            (true, true, _) => ("range-changed", Bump::Major),
            (false, true, true) => ("range-narrowed", Bump::Major),
            (false, true, false) => ("range-narrowed", Bump::Minor),
            (true, false, true) => ("range-widened", Bump::Minor),
            (true, false, false) => ("range-widened", Bump::Major),
            (false, false, _) => ("range-changed", Bump::Patch),
        };
        out.push(change(format!("{path}.range"), kind, bump, detail));
    }
    compare_enum(side, &path, old, new, out);
    let nullable = |field: &Field| field.nullable.unwrap_or(false);
    if nullable(old) != nullable(new) {
        let becomes_nullable = nullable(new);
        // Inputs that stop accepting null, and outputs that start returning it, break consumers.
        let breaking = if input { !becomes_nullable } else { becomes_nullable };
        out.push(change(
            format!("{path}.nullable"),
            "nullability-changed",
            if breaking { Bump::Major } else { Bump::Minor },
            format!("{} -> {}", nullable(old), nullable(new)),
        ));
    }
    if old.unit != new.unit {
        out.push(change(
            format!("{path}.unit"),
            "meaning-changed",
            Bump::Major,
            format!("unit {} -> {}", old.unit.as_deref().unwrap_or("(none)"), new.unit.as_deref().unwrap_or("(none)")),
        ));
    }
    if old.description != new.description {
        let detail = format!(
            "description {:?} -> {:?}",
            old.description.as_deref().unwrap_or(""),
            new.description.as_deref().unwrap_or("")
        );
        // What an output means is what consumers act on; an input's description documents it.
        let (kind, bump) = if input { ("description-changed", Bump::Patch) } else { ("meaning-changed", Bump::Major) };
        out.push(change(format!("{path}.description"), kind, bump, detail));
    }
    if old.source != new.source {
        out.push(change(
            format!("{path}.source"),
            "source-changed",
            Bump::Patch,
            format!("{} -> {}", old.source.as_deref().unwrap_or("(none)"), new.source.as_deref().unwrap_or("(none)")),
        ));
    }
}

fn compare_enum(side: Side, path: &str, old: &Field, new: &Field, out: &mut Vec<Change>) {
    let input = side == Side::Input;
    let path = format!("{path}.enum");
    let label = if input { "value" } else { "label" };
    match (&old.allowed, &new.allowed) {
        (Some(old_values), Some(new_values)) => {
            for value in old_values.iter().filter(|value| !new_values.contains(value)) {
                out.push(change(
                    path.clone(),
                    "enum-value-removed",
                    if input { Bump::Major } else { Bump::Minor },
                    format!("{label} {} removed", show(value)),
                ));
            }
            for value in new_values.iter().filter(|value| !old_values.contains(value)) {
                out.push(change(
                    path.clone(),
                    "enum-value-added",
                    if input { Bump::Minor } else { Bump::Major },
                    format!("{label} {} added", show(value)),
                ));
            }
        }
        (None, Some(values)) => out.push(change(
            path,
            "enum-introduced",
            if input { Bump::Major } else { Bump::Minor },
            format!("now limited to {}", values.iter().map(show).collect::<Vec<_>>().join(", ")),
        )),
        (Some(_), None) => out.push(change(
            path,
            "enum-dropped",
            if input { Bump::Minor } else { Bump::Major },
            "no longer limited to a list of values".to_string(),
        )),
        (None, None) => {}
    }
}

fn compare_fields(side: Side, old: &[Field], new: &[Field], out: &mut Vec<Change>) {
    let key = side.key();
    for old_field in old {
        match new.iter().find(|field| field.name == old_field.name) {
            Some(new_field) => compare_field(side, old_field, new_field, out),
            None => out.push(match side {
                Side::Input => change(
                    format!("{key}[name={}]", old_field.name),
                    "field-removed",
                    Bump::Minor,
                    format!("input {} removed: consumers may keep sending it", old_field.name),
                ),
                Side::Output => change(
                    format!("{key}[name={}]", old_field.name),
                    "field-removed",
                    Bump::Major,
                    format!("output {} removed: consumers that read it break", old_field.name),
                ),
            }),
        }
    }
    for new_field in new.iter().filter(|field| !old.iter().any(|old_field| old_field.name == field.name)) {
        let path = format!("{key}[name={}]", new_field.name);
        out.push(match side {
            Side::Input if new_field.nullable == Some(true) => {
                change(path, "field-added", Bump::Minor, format!("optional input {} added (nullable)", new_field.name))
            }
            Side::Input => change(
                path,
                "field-added",
                Bump::Major,
                format!("required input {} added: every consumer must send it", new_field.name),
            ),
            Side::Output => change(path, "field-added", Bump::Minor, format!("output {} added", new_field.name)),
        });
    }
}

/// One SLA promise: its key, how to read it, whether a larger value is a weaker promise, its unit.
struct SlaTerm {
    key: &'static str,
    pick: fn(&Sla) -> Option<f64>,
    larger_is_weaker: bool,
    unit: &'static str,
}

const SLA_TERMS: [SlaTerm; 3] = [
    SlaTerm { key: "latency_p95_ms", pick: |sla| sla.latency_p95_ms, larger_is_weaker: true, unit: " ms" },
    SlaTerm { key: "throughput_rps", pick: |sla| sla.throughput_rps, larger_is_weaker: false, unit: " rps" },
    SlaTerm { key: "availability", pick: |sla| sla.availability, larger_is_weaker: false, unit: "%" },
];

fn compare_sla(old: Option<&Sla>, new: Option<&Sla>, out: &mut Vec<Change>) {
    for term in &SLA_TERMS {
        let (key, larger_is_weaker, unit) = (term.key, term.larger_is_weaker, term.unit);
        let (old_value, new_value) = (old.and_then(term.pick), new.and_then(term.pick));
        let path = format!("sla.{key}");
        let shown =
            |value: Option<f64>| value.map_or_else(|| "(none)".to_string(), |v| format!("{}{unit}", format_number(v)));
        let detail = format!("{} -> {}", shown(old_value), shown(new_value));
        let loosened = match (old_value, new_value) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(a), Some(b)) => (b > a) == larger_is_weaker,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => continue,
        };
        out.push(if loosened {
            change(path, "sla-loosened", Bump::Major, detail)
        } else {
            change(path, "sla-tightened", Bump::Minor, detail)
        });
    }
}

/// Other front matter keys that may change without a version bump of their own.
const BOOKKEEPING: &[&str] = &["version", "status", "signoffs", "owners", "tags", "title", "links"];

/// Classifies every change from `old` to `new`.
pub fn classify(
    old: &Contract,
    new: &Contract,
    old_json: &serde_json::Value,
    new_json: &serde_json::Value,
) -> Evolution {
    let mut changes = Vec::new();
    compare_fields(Side::Input, &old.input, &new.input, &mut changes);
    compare_fields(Side::Output, &old.output, &new.output, &mut changes);
    compare_sla(old.sla.as_ref(), new.sla.as_ref(), &mut changes);
    // Everything else the contract says (behaviour, lifecycle, monitoring, responsibilities,
    // consumers): a changed promise about behaviour is minor, the rest a patch.
    let mut keys: Vec<&String> = old_json.as_object().into_iter().flat_map(|object| object.keys()).collect();
    keys.extend(new_json.as_object().into_iter().flat_map(|object| object.keys()));
    keys.sort();
    keys.dedup();
    for key in keys {
        if matches!(key.as_str(), "input" | "output" | "sla") || BOOKKEEPING.contains(&key.as_str()) {
            continue;
        }
        let (a, b) = (old_json.get(key), new_json.get(key));
        if a == b {
            continue;
        }
        let (kind, bump) = if key == "behavior" { ("behavior-changed", Bump::Minor) } else { ("other", Bump::Patch) };
        let shown = |value: Option<&serde_json::Value>| value.map_or_else(|| "(none)".to_string(), |v| v.to_string());
        changes.push(change(key.clone(), kind, bump, format!("{} -> {}", shown(a), shown(b))));
    }
    let required_bump = changes.iter().map(|change| change.bump).max().unwrap_or(Bump::None);
    let version_from = old.common.version.as_ref().map(|version| version.to_text());
    let version_to = new.common.version.as_ref().map(|version| version.to_text());
    let actual_bump =
        match (version_from.as_deref().and_then(parse_version), version_to.as_deref().and_then(parse_version)) {
            (Some(from), Some(to)) => Some(version_bump(from, to)),
            _ => None,
        };
    let bumped_enough = required_bump == Bump::None || actual_bump.is_some_and(|actual| actual >= required_bump);
    Evolution { changes, required_bump, version_from, version_to, actual_bump, bumped_enough }
}

/// Why two texts cannot be compared as contracts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotAContract(pub String);

fn as_contract<'a>(document: &'a Document, which: &str) -> Result<&'a Contract, NotAContract> {
    match &document.typed {
        Some(Typed::Contract(contract)) => Ok(contract),
        _ if document.kind != Some(crate::document::Kind::Contract) => {
            Err(NotAContract(format!("{} ({which}) is not a contract", document.rel_path)))
        }
        _ => Err(NotAContract(format!(
            "{} ({which}) cannot be read as a contract: {}",
            document.rel_path,
            document.issues.first().map(|issue| issue.display()).unwrap_or_default()
        ))),
    }
}

/// Classifies the change between two texts of one contract file.
pub fn classify_texts(rel_path: &str, old: &str, new: &str) -> Result<Evolution, NotAContract> {
    let old_document = parse_document(rel_path, old.as_bytes());
    let new_document = parse_document(rel_path, new.as_bytes());
    let old_contract = as_contract(&old_document, "old version")?;
    let new_contract = as_contract(&new_document, "new version")?;
    Ok(classify(old_contract, new_contract, &old_document.json, &new_document.json))
}

/// The findings of `seam check --against REV` for one contract: `contract-version-bump` (error)
/// when the version was not bumped enough, and each breaking change (`contract-breaking-change`,
/// info) so the log shows why.
pub fn findings(document: &Document, against: &str, evolution: &Evolution) -> Vec<Finding> {
    let version_line = document.tree.as_ref().and_then(|tree| tree.get("version")).map(|node| node.line);
    let base = |rule: Rule, severity: Severity, row: Option<String>, message: String| Finding {
        rule,
        severity,
        rel_path: document.rel_path.clone(),
        document: Some(document.id.clone()),
        row,
        line: version_line,
        message,
        related: Vec::new(),
    };
    let mut out = Vec::new();
    for change in evolution.changes.iter().filter(|change| change.breaking) {
        let mut finding = base(
            Rule::ContractBreakingChange,
            Severity::Info,
            Some(change.path.clone()),
            format!("{}: {} since {against} ({})", change.path, change.kind, change.detail),
        );
        finding.line = line_of_path(document, &change.path).or(version_line);
        out.push(finding);
    }
    if !evolution.bumped_enough {
        let from = evolution.version_from.as_deref().unwrap_or("(none)");
        let to = evolution.version_to.as_deref().unwrap_or("(none)");
        let shown = match evolution.actual_bump {
            Some(Bump::None) => "no bump".to_string(),
            Some(bump) => format!("a {} bump", bump.as_str()),
            None => "not comparable (versions must be MAJOR.MINOR.PATCH)".to_string(),
        };
        let reasons: Vec<String> = evolution
            .changes
            .iter()
            .filter(|change| change.bump == evolution.required_bump)
            .map(|change| format!("{} {}", change.path, change.kind))
            .collect();
        out.push(base(
            Rule::ContractVersionBump,
            Severity::Error,
            Some("version".to_string()),
            format!(
                "version {from} (at {against}) -> {to} is {shown}; the changes need a {} bump: {}",
                evolution.required_bump.as_str(),
                reasons.join(", ")
            ),
        ));
    }
    out
}

/// The line of `input[name=x].range`-style paths in the current document.
fn line_of_path(document: &Document, path: &str) -> Option<usize> {
    let tree = document.tree.as_ref()?;
    let mut node = tree;
    for segment in path.split('.') {
        let (key, row) = match segment.split_once('[') {
            Some((key, rest)) => (key, rest.strip_suffix(']').and_then(|inner| inner.split_once('='))),
            None => (segment, None),
        };
        node = node.get(key)?;
        if let Some((name_key, name)) = row {
            node = match &node.value {
                crate::document::yaml::NodeValue::Sequence { items, .. } => {
                    items.iter().find(|item| item.get(name_key).and_then(|value| value.as_str()) == Some(name))?
                }
                _ => return None,
            };
        }
    }
    Some(node.line)
}
