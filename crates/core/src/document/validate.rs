//! Field-level validation of front matter against the JSON Schema derived from the typed model.
//! Every finding names the field and its line; fields with wrong shapes are dropped from the
//! typed view only (never from the file), so one bad value does not hide the rest.

use std::sync::OnceLock;

use serde_json::Value;

use super::model::{self, Kind, Typed};
use super::yaml::Node;
use super::Issue;

struct Validators {
    by_kind: Vec<(Kind, jsonschema::Validator)>,
    comment: Option<jsonschema::Validator>,
}

fn validators() -> &'static Validators {
    static VALIDATORS: OnceLock<Validators> = OnceLock::new();
    VALIDATORS.get_or_init(|| Validators {
        by_kind: Kind::ALL
            .into_iter()
            .filter_map(|kind| {
                jsonschema::validator_for(&model::json_schema(kind)).ok().map(|validator| (kind, validator))
            })
            .collect(),
        comment: jsonschema::validator_for(&model::comment_json_schema()).ok(),
    })
}

/// `/requirements/0/metric` → `requirements[0].metric`, the path syntax `seam set` takes.
pub fn pointer_to_path(pointer: &str) -> String {
    let mut path = String::new();
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            path.push_str(&format!("[{segment}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&segment);
        }
    }
    path
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".to_string(),
        Value::Bool(flag) => format!("`{flag}`"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => format!("the text \"{text}\""),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a mapping".to_string(),
    }
}

/// The `{type: null}` branch of an optional field, failing at the field itself.
fn is_null_branch(branch: &[jsonschema::ValidationError<'static>], pointer: &str) -> bool {
    use jsonschema::error::ValidationErrorKind as K;
    branch.len() == 1
        && branch[0].instance_path().as_str() == pointer
        && matches!(branch[0].kind(), K::Type { kind } if format!("{kind:?}").to_lowercase().contains("null"))
}

/// One schema violation, reduced to what the user needs: where, and what is wrong.
struct Finding {
    pointer: String,
    /// The missing key, for `required` violations.
    missing: Option<String>,
    message: String,
}

/// Unwraps `anyOf`/`oneOf` (how optional and either-or fields are expressed) to the errors of
/// the branch the value was meant for, so the message says what is wrong inside it.
fn findings(error: jsonschema::ValidationError<'static>) -> Vec<Finding> {
    use jsonschema::error::ValidationErrorKind as K;
    let found = describe(error.instance());
    let pointer = error.instance_path().as_str().to_string();
    let parts = error.into_parts();
    let wanted_types = |kind: &K| match kind {
        K::Type { kind } => Some(type_words(&format!("{kind:?}"))),
        _ => None,
    };
    match parts.kind {
        K::AnyOf { context } | K::OneOfNotValid { context } => {
            let branches: Vec<Vec<jsonschema::ValidationError<'static>>> =
                context.into_iter().filter(|branch| !is_null_branch(branch, &pointer)).collect();
            if branches.len() == 1 {
                return branches.into_iter().flatten().flat_map(findings).collect();
            }
            let types: Vec<String> = branches
                .iter()
                .filter(|branch| branch.len() == 1)
                .filter_map(|branch| wanted_types(branch[0].kind()))
                .collect();
            let message = if !types.is_empty() && types.len() == branches.len() {
                format!("expected {}, found {found}", types.join(" or "))
            } else {
                format!("has the wrong shape: found {found}")
            };
            vec![Finding { pointer, missing: None, message }]
        }
        K::Required { property } => {
            let name = property.as_str().map_or_else(|| property.to_string(), str::to_string);
            vec![Finding { pointer, message: format!("missing required key `{name}`"), missing: Some(name) }]
        }
        K::Enum { options } => {
            let choices: Vec<String> =
                options.as_array().map(|items| items.iter().map(|item| item.to_string()).collect()).unwrap_or_default();
            vec![Finding {
                pointer,
                missing: None,
                message: format!("must be one of {}, found {found}", choices.join(", ")),
            }]
        }
        K::Type { kind } => {
            vec![Finding {
                pointer,
                missing: None,
                message: format!("expected {}, found {found}", type_words(&format!("{kind:?}"))),
            }]
        }
        K::MinItems { limit } | K::MaxItems { limit } => {
            vec![Finding { pointer, missing: None, message: format!("must have {limit} items, found {found}") }]
        }
        other => vec![Finding { pointer, missing: None, message: format!("{other:?}") }],
    }
}

fn type_words(debug: &str) -> String {
    let lower = debug.to_lowercase();
    let mut words = Vec::new();
    for (needle, word) in [
        ("array", "a list"),
        ("object", "a mapping"),
        ("string", "text"),
        ("number", "a number"),
        ("integer", "a whole number"),
        ("boolean", "true or false"),
        ("null", "nothing"),
    ] {
        if lower.contains(needle) {
            words.push(word);
        }
    }
    if words.is_empty() {
        lower
    } else {
        words.join(" or ")
    }
}

/// Removes the value at `pointer` (a list item or a mapping key) from `value`.
fn prune(value: &mut Value, pointer: &str) {
    let Some((parent_pointer, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent_pointer) {
        Some(Value::Object(map)) => {
            map.remove(&last);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = last.parse::<usize>() {
                if index < items.len() {
                    items[index] = Value::Null;
                }
            }
        }
        _ => {}
    }
}

/// Whether [`drop_nulls_in_lists`] would change `value`.
fn has_nulls_to_drop(value: &Value) -> bool {
    match value {
        Value::Array(items) => {
            let pair = items.len() == 2 && items.iter().all(|item| !item.is_array() && !item.is_object());
            (!pair && items.iter().any(Value::is_null)) || items.iter().any(has_nulls_to_drop)
        }
        Value::Object(map) => map.values().any(has_nulls_to_drop),
        _ => false,
    }
}

/// Removes pruned (null) items from lists, so the rest of a list still reads. Pairs of scalars
/// keep their nulls: there a null is an open end (`range: [0, null]`, `period: [2024-01-01, null]`).
fn drop_nulls_in_lists(value: &mut Value) {
    match value {
        Value::Array(items) => {
            let pair = items.len() == 2 && items.iter().all(|item| !item.is_array() && !item.is_object());
            if !pair {
                items.retain(|item| !item.is_null());
            }
            items.iter_mut().for_each(drop_nulls_in_lists);
        }
        Value::Object(map) => map.values_mut().for_each(drop_nulls_in_lists),
        _ => {}
    }
}

/// Validates a parsed front matter; returns its kind, its typed view (with wrong-shaped values
/// left out) and the issues found.
pub fn validate(rel_path: &str, tree: &Node, json: &Value) -> (Option<Kind>, Option<Typed>, Vec<Issue>) {
    let mut issues = Vec::new();
    let kind_node = tree.get("kind");
    let kind = match json.get("kind") {
        None | Some(Value::Null) => {
            issues.push(
                Issue::error(
                    rel_path,
                    "missing-kind",
                    Some(tree.line),
                    "missing `kind`: add `kind: requirements`, `contract`, `dataset` or `meeting`",
                )
                .with_field("kind"),
            );
            return (None, None, issues);
        }
        Some(Value::String(text)) => match Kind::parse(text) {
            Some(kind) => kind,
            None => {
                issues.push(
                    Issue::error(
                        rel_path,
                        "unknown-kind",
                        kind_node.map(|node| node.line),
                        format!("unknown kind \"{text}\": use requirements, contract, dataset or meeting"),
                    )
                    .with_field("kind"),
                );
                return (None, None, issues);
            }
        },
        Some(other) => {
            issues.push(
                Issue::error(
                    rel_path,
                    "unknown-kind",
                    kind_node.map(|node| node.line),
                    format!("`kind` must be text, found {}", describe(other)),
                )
                .with_field("kind"),
            );
            return (None, None, issues);
        }
    };

    // A copy of the front matter is made only when a value must be pruned or a null dropped;
    // most documents are read as they are.
    let mut lenient = None;
    if let Some((_, validator)) = validators().by_kind.iter().find(|(k, _)| *k == kind) {
        schema_issues(
            rel_path,
            tree,
            json,
            validator,
            &format!("every {} document needs it", kind.as_str()),
            &mut lenient,
            &mut issues,
        );
    }
    if lenient.is_none() && has_nulls_to_drop(json) {
        lenient = Some(json.clone());
    }
    let typed = match lenient {
        Some(mut lenient) => {
            drop_nulls_in_lists(&mut lenient);
            typed_from(kind, &lenient)
        }
        None => typed_from(kind, json),
    };
    (Some(kind), typed, issues)
}

fn typed_from(kind: Kind, json: &Value) -> Option<Typed> {
    use serde::Deserialize;
    let typed = match kind {
        Kind::Requirements => model::RequirementSheet::deserialize(json).map(Typed::Requirements),
        Kind::Contract => model::Contract::deserialize(json).map(Typed::Contract),
        Kind::Dataset => model::Dataset::deserialize(json).map(Typed::Dataset),
        Kind::Meeting => model::Meeting::deserialize(json).map(Typed::Meeting),
    };
    typed.ok()
}

/// Checks a comment file's front matter.
pub fn validate_comment(rel_path: &str, tree: &Node, json: &Value) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut lenient = None;
    if let Some(validator) = &validators().comment {
        schema_issues(rel_path, tree, json, validator, "every comment needs it", &mut lenient, &mut issues);
    }
    issues
}

/// Runs one schema over the front matter: an issue per violation (with its line), and the
/// violating values pruned from `lenient` (a copy of `json` made at the first violation) so the
/// typed view can still be built.
fn schema_issues(
    rel_path: &str,
    tree: &Node,
    json: &Value,
    validator: &jsonschema::Validator,
    why_required: &str,
    lenient: &mut Option<Value>,
    issues: &mut Vec<Issue>,
) {
    // Most documents are valid: the cheap yes/no check spares collecting errors for them.
    if validator.is_valid(json) {
        return;
    }
    let mut seen = std::collections::BTreeSet::new();
    for finding in validator.iter_errors(json).flat_map(|error| findings(error.to_owned())) {
        let pointer = finding.pointer;
        let code = if finding.missing.is_some() { "required-field" } else { "field-shape" };
        let node = tree.deepest_at_pointer(&pointer);
        let here = pointer_to_path(&pointer);
        let field = match &finding.missing {
            Some(name) if here.is_empty() => name.clone(),
            Some(name) => format!("{here}.{name}"),
            None => here.clone(),
        };
        if !seen.insert((field.clone(), code)) {
            continue;
        }
        let message = match (&finding.missing, here.is_empty()) {
            (Some(_), true) => format!("{} — {why_required}", finding.message),
            (Some(_), false) => format!("{here}: {}", finding.message),
            (None, _) => format!("{field}: {}", finding.message),
        };
        issues.push(Issue::error(rel_path, code, Some(node.line), message).with_field(field));
        if !pointer.is_empty() {
            prune(lenient.get_or_insert_with(|| json.clone()), &pointer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_paths() {
        assert_eq!(pointer_to_path("/requirements/0/metric"), "requirements[0].metric");
        assert_eq!(pointer_to_path(""), "");
        assert_eq!(pointer_to_path("/sla/latency_p95_ms"), "sla.latency_p95_ms");
    }
}
