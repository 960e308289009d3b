//! Consistency across documents: what one document promises that another contradicts. A
//! contract's latency SLA against its requirement sheet's latency budget; contract inputs against
//! the dataset columns they come from (present, same type, personal data with a legal basis);
//! the provider team against the dataset's access grants; fairness requirements on slices against
//! the attributes the datasets record. Every finding names both documents, the fields and lines.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{Finding, Related, Rule};
use crate::document::model::{Contract, Dataset, Field, Quality, RequirementSheet};
use crate::document::{yaml, Document, Severity, Typed};
use crate::metrics::check::format_number;

/// The line of the node at `pointer` (`/input/3/type`), or of the deepest node on the way.
fn line_at(document: &Document, pointer: &str) -> Option<usize> {
    document.tree.as_ref().map(|tree| tree.deepest_at_pointer(pointer).line)
}

/// The index of the row named `name` in the list at `key` of the front matter.
fn row_index(document: &Document, key: &str, name_key: &str, name: &str) -> Option<usize> {
    let tree = document.tree.as_ref()?;
    match &tree.get(key)?.value {
        yaml::NodeValue::Sequence { items, .. } => {
            items.iter().position(|item| item.get(name_key).and_then(yaml::Node::as_str) == Some(name))
        }
        _ => None,
    }
}

fn related(document: &Document, field: String, pointer: &str) -> Related {
    Related {
        rel_path: document.rel_path.clone(),
        document: Some(document.id.clone()),
        field: Some(field),
        line: line_at(document, pointer),
    }
}

struct Project<'a> {
    sheets: BTreeMap<&'a str, (&'a Document, &'a RequirementSheet)>,
    contracts: Vec<(&'a Document, &'a Contract)>,
    datasets: BTreeMap<&'a str, (&'a Document, &'a Dataset)>,
}

impl<'a> Project<'a> {
    fn of(documents: &'a [Document]) -> Project<'a> {
        let mut project = Project { sheets: BTreeMap::new(), contracts: Vec::new(), datasets: BTreeMap::new() };
        for document in documents {
            match &document.typed {
                Some(Typed::Requirements(sheet)) => {
                    project.sheets.entry(document.id.as_str()).or_insert((document, sheet));
                }
                Some(Typed::Contract(contract)) => project.contracts.push((document, contract)),
                Some(Typed::Dataset(dataset)) => {
                    project.datasets.entry(document.id.as_str()).or_insert((document, dataset));
                }
                _ => {}
            }
        }
        project
    }

    /// The sheet a contract serves: `requirements`, else a linked sheet, else the one sheet whose
    /// `component` is the provider's.
    fn sheet_of(&self, contract: &Contract) -> Option<(&'a Document, &'a RequirementSheet)> {
        if let Some(id) = &contract.requirements {
            return self.sheets.get(id.as_str()).copied();
        }
        if let Some(found) = contract.common.links.iter().find_map(|id| self.sheets.get(id.as_str())) {
            return Some(*found);
        }
        let component = contract.provider.as_ref().map(|provider| provider.component.as_str())?;
        let mut matching = self.sheets.values().filter(|(_, sheet)| sheet.component.as_deref() == Some(component));
        match (matching.next(), matching.next()) {
            (Some(one), None) => Some(*one),
            _ => None,
        }
    }

    /// Every dataset a contract draws on: `datasets` and the inputs' `source`s.
    fn datasets_of(&self, contract: &Contract) -> Vec<(&'a Document, &'a Dataset)> {
        let mut ids: BTreeSet<&str> = contract.datasets.iter().map(String::as_str).collect();
        ids.extend(contract.input.iter().filter_map(|field| field.source.as_deref()));
        ids.into_iter().filter_map(|id| self.datasets.get(id).copied()).collect()
    }
}

/// Runs every consistency check over the project's documents.
pub fn check(documents: &[Document]) -> Vec<Finding> {
    let project = Project::of(documents);
    let mut findings = Vec::new();
    for (document, contract) in &project.contracts {
        if let Some((sheet_document, sheet)) = project.sheet_of(contract) {
            findings.extend(sla_against_budget(document, contract, sheet_document, sheet));
        }
        for (index, field) in contract.input.iter().enumerate() {
            let Some((dataset_document, dataset)) = field.source.as_deref().and_then(|id| project.datasets.get(id))
            else {
                continue;
            };
            findings.extend(input_against_dataset(document, index, field, dataset_document, dataset));
        }
        findings.extend(provider_access(document, contract, &project.datasets_of(contract)));
    }
    for (sheet_id, (sheet_document, sheet)) in &project.sheets {
        findings.extend(fairness_slices(&project, sheet_id, sheet_document, sheet));
    }
    findings.sort_by(|a, b| {
        (a.rel_path.as_str(), a.line, a.rule.as_str()).cmp(&(b.rel_path.as_str(), b.line, b.rule.as_str()))
    });
    findings
}

fn finding(rule: Rule, document: &Document, row: String, line: Option<usize>, message: String) -> Finding {
    Finding {
        rule,
        severity: Severity::Error,
        rel_path: document.rel_path.clone(),
        document: Some(document.id.clone()),
        row: Some(row),
        line,
        message,
        related: Vec::new(),
    }
}

fn sla_against_budget(
    document: &Document,
    contract: &Contract,
    sheet_document: &Document,
    sheet: &RequirementSheet,
) -> Option<Finding> {
    let promised = contract.sla.as_ref()?.latency_p95_ms?;
    let budget = sheet.budgets.as_ref()?.inference.as_ref()?.latency_p95_ms?;
    if promised <= budget {
        return None;
    }
    let mut found = finding(
        Rule::SlaOverBudget,
        document,
        "sla.latency_p95_ms".to_string(),
        line_at(document, "/sla/latency_p95_ms"),
        format!(
            "sla.latency_p95_ms is {} ms, but {} (budgets.inference.latency_p95_ms) allows at most {} ms",
            format_number(promised),
            sheet_document.id,
            format_number(budget)
        ),
    );
    found.related.push(related(
        sheet_document,
        "budgets.inference.latency_p95_ms".to_string(),
        "/budgets/inference/latency_p95_ms",
    ));
    Some(found)
}

/// A contract type accepts a column type when they are equal, or the contract's is wider
/// (`number` takes `integer` values, `string` takes `category` values).
fn types_agree(field_type: &str, column_type: &str) -> bool {
    field_type == column_type
        || matches!((field_type, column_type), ("number", "integer") | ("string", "category") | ("category", "string"))
}

fn input_against_dataset(
    document: &Document,
    index: usize,
    field: &Field,
    dataset_document: &Document,
    dataset: &Dataset,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let row = format!("input[name={}]", field.name);
    let Some(column) = dataset.schema.iter().find(|column| column.name == field.name) else {
        let mut found = finding(
            Rule::InputNotInDataset,
            document,
            row.clone(),
            line_at(document, &format!("/input/{index}/name")),
            format!(
                "input {} comes from {} (source), but its schema has no column {}",
                field.name, dataset_document.id, field.name
            ),
        );
        found.related.push(related(dataset_document, "schema".to_string(), "/schema"));
        findings.push(found);
        return findings;
    };
    let column_index = row_index(dataset_document, "schema", "name", &column.name).unwrap_or(0);
    if !types_agree(&field.field_type, &column.column_type) {
        let mut found = finding(
            Rule::InputTypeMismatch,
            document,
            format!("{row}.type"),
            line_at(document, &format!("/input/{index}/type")),
            format!(
                "input {} is {} here, but column {} of {} is {}",
                field.name, field.field_type, column.name, dataset_document.id, column.column_type
            ),
        );
        found.related.push(related(
            dataset_document,
            format!("schema[name={}].type", column.name),
            &format!("/schema/{column_index}/type"),
        ));
        findings.push(found);
    }
    if let Some(privacy) = &dataset.privacy {
        let personal = privacy.fields.iter().any(|name| name == &field.name);
        let basis = privacy.legal_basis.as_deref().is_some_and(|basis| !basis.trim().is_empty());
        if personal && !basis {
            let field_index = privacy.fields.iter().position(|name| name == &field.name).unwrap_or(0);
            let mut found = finding(
                Rule::PersonalDataNoLegalBasis,
                document,
                row,
                line_at(document, &format!("/input/{index}/name")),
                format!(
                    "input {} is personal data in {} (privacy.fields), which states no privacy.legal_basis for using it",
                    field.name, dataset_document.id
                ),
            );
            found.related.push(related(
                dataset_document,
                format!("privacy.fields[{field_index}]"),
                &format!("/privacy/fields/{field_index}"),
            ));
            findings.push(found);
        }
    }
    findings
}

fn provider_access(document: &Document, contract: &Contract, datasets: &[(&Document, &Dataset)]) -> Vec<Finding> {
    let Some(team) = contract.provider.as_ref().and_then(|provider| provider.team.as_deref()) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (dataset_document, dataset) in datasets {
        let Some(access) = &dataset.access else { continue };
        let open = access.policy.as_deref().is_some_and(|policy| matches!(policy, "open" | "public"));
        if open || access.granted_to.iter().any(|granted| granted == team) {
            continue;
        }
        let granted = if access.granted_to.is_empty() { "no team".to_string() } else { access.granted_to.join(", ") };
        let mut found = finding(
            Rule::ProviderNoAccess,
            document,
            "provider.team".to_string(),
            line_at(document, "/provider/team"),
            format!(
                "provider team {team} uses {}, whose access.granted_to lists {granted}; ask for access ({}) or change the team",
                dataset_document.id,
                access.approval.as_deref().unwrap_or("no approval route stated")
            ),
        );
        found.related.push(related(dataset_document, "access.granted_to".to_string(), "/access/granted_to"));
        findings.push(found);
    }
    findings
}

/// `region=EU` → `[region]`; `region=EU,plan=free` (or `&`, `;`) → both attributes.
fn slice_attributes(slice: &str) -> Vec<&str> {
    slice
        .split([',', '&', ';'])
        .filter_map(|part| part.split_once('=').map(|(attribute, _)| attribute.trim()))
        .filter(|attribute| !attribute.is_empty())
        .collect()
}

fn fairness_slices(
    project: &Project<'_>,
    sheet_id: &str,
    sheet_document: &Document,
    sheet: &RequirementSheet,
) -> Vec<Finding> {
    // The sheet's data: datasets it links, and those of the contracts that serve it.
    let mut datasets: BTreeMap<&str, (&Document, &Dataset)> = BTreeMap::new();
    for id in &sheet.common.links {
        if let Some(found) = project.datasets.get(id.as_str()) {
            datasets.insert(id.as_str(), *found);
        }
    }
    for (_, contract) in &project.contracts {
        if project.sheet_of(contract).map(|(document, _)| document.id.as_str()) == Some(sheet_id) {
            for found in project.datasets_of(contract) {
                datasets.insert(found.0.id.as_str(), found);
            }
        }
    }
    if datasets.is_empty() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for (index, row) in sheet.requirements.iter().enumerate() {
        if row.quality != Some(Quality::Fairness) {
            continue;
        }
        let Some(slice) = row.slice.as_deref() else { continue };
        for attribute in slice_attributes(slice) {
            let recorded =
                datasets.values().any(|(_, dataset)| dataset.schema.iter().any(|column| column.name == attribute));
            if recorded {
                continue;
            }
            let names: Vec<&str> = datasets.keys().copied().collect();
            let mut found = finding(
                Rule::SliceNotRecorded,
                sheet_document,
                row.id.clone(),
                line_at(sheet_document, &format!("/requirements/{index}/slice")),
                format!(
                    "{} is a fairness requirement on {slice}, but no dataset of this sheet records {attribute} ({})",
                    row.id,
                    names.join(", ")
                ),
            );
            for (dataset_document, _) in datasets.values() {
                found.related.push(related(dataset_document, "schema".to_string(), "/schema"));
            }
            findings.push(found);
        }
    }
    findings
}
