//! Writers for lists of findings (lint issues and `seam check` results) as JUnit XML and SARIF
//! 2.1.0, shared by `seam lint` and `seam check`.

use serde_json::{json, Value};

use seam_core::check::Finding;
use seam_core::document::Severity;

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One `<testcase>` per case; each error-severity finding of a case is a `<failure>`.
pub fn junit(suite: &str, classname: &str, cases: &[(String, Vec<&Finding>)]) -> String {
    let failures: usize =
        cases.iter().map(|(_, findings)| findings.iter().filter(|f| f.severity == Severity::Error).count()).sum();
    let tests = cases.len().max(1);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"{suite}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"));
    out.push_str(&format!("  <testsuite name=\"{suite}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"));
    if cases.is_empty() {
        out.push_str(&format!("    <testcase name=\"project\" classname=\"{classname}\"/>\n"));
    }
    for (name, findings) in cases {
        let errors: Vec<&&Finding> = findings.iter().filter(|finding| finding.severity == Severity::Error).collect();
        if errors.is_empty() && findings.is_empty() {
            out.push_str(&format!("    <testcase name=\"{}\" classname=\"{classname}\"/>\n", xml_escape(name)));
            continue;
        }
        out.push_str(&format!("    <testcase name=\"{}\" classname=\"{classname}\">\n", xml_escape(name)));
        for finding in errors {
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                finding.rule.as_str(),
                xml_escape(&finding.message),
                xml_escape(&finding.display())
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n");
    out.push_str("</testsuites>\n");
    out
}

fn location(rel_path: &str, line: Option<usize>) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": rel_path}});
    if let Some(line) = line {
        physical["region"] = json!({"startLine": line});
    }
    json!({"physicalLocation": physical})
}

fn result(finding: &Finding) -> Value {
    let mut result = json!({
        "ruleId": finding.rule.as_str(),
        "level": match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        },
        "message": {"text": finding.message},
        "locations": [location(&finding.rel_path, finding.line)],
    });
    if !finding.related.is_empty() {
        result["relatedLocations"] = finding
            .related
            .iter()
            .enumerate()
            .map(|(index, other)| {
                let mut related = location(&other.rel_path, other.line);
                related["id"] = json!(index);
                let what =
                    [other.document.as_deref(), other.field.as_deref()].into_iter().flatten().collect::<Vec<_>>();
                related["message"] = json!({"text": what.join(" ")});
                related
            })
            .collect();
    }
    result
}

/// SARIF 2.1.0: `ruleId` = the rule, `region.startLine` = the line, `relatedLocations` = the
/// other documents a finding is about; ignored findings are results with an external
/// suppression whose justification is the ignore entry's reason.
pub fn sarif(findings: &[Finding], ignored: &[seam_core::checkconfig::Ignored]) -> Value {
    let mut rules: Vec<seam_core::check::Rule> =
        findings.iter().chain(ignored.iter().map(|ignored| &ignored.finding)).map(|finding| finding.rule).collect();
    rules.sort_unstable_by_key(|rule| rule.as_str());
    rules.dedup_by_key(|rule| rule.as_str());
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "seam",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|rule| match rule.summary() {
                    Some(summary) => json!({"id": rule.as_str(), "shortDescription": {"text": summary}}),
                    None => json!({"id": rule.as_str()}),
                }).collect::<Vec<_>>(),
            }},
            "results": findings.iter().map(result).chain(ignored.iter().map(|ignored| {
                let mut suppressed = result(&ignored.finding);
                suppressed["suppressions"] = json!([{"kind": "external", "justification": ignored.reason}]);
                suppressed
            })).collect::<Vec<_>>(),
        }],
    })
}
