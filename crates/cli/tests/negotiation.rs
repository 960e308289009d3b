//! The negotiation commands on temporary copies of the example project: the real `seam` binary,
//! real files, a temporary data folder and identity settings, the exit codes and `--json` shapes
//! of docs/CLI.md; the packet's PDF printed by headless Chromium and read back with `pdftotext`.

mod common;
use common::TempProject;

use std::fs;
use std::process::{Command, Output};

use serde_json::Value;

impl TempProject {
    fn ok(&self, args: &[&str]) -> String {
        let output = self.seam(args);
        assert!(output.status.success(), "seam {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).expect("read")
    }
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const FEED: &str = "contracts/escalation-risk-feed.md";

#[test]
fn example_is_lint_clean_with_current_and_stale_signoffs() {
    let project = TempProject::example();
    let lint = project.json(&["lint", "--json"]);
    assert_eq!(lint["errors"], 0, "{lint:#}");
    assert_eq!(lint["warnings"], 0, "{lint:#}");
    let agreed = project.json(&["signoffs", "ticket-routing-api", "--json"]);
    assert_eq!(agreed["status"], "agreed");
    assert_eq!(agreed["missing_roles"], serde_json::json!([]));
    assert!(agreed["signoffs"].as_array().expect("list").iter().all(|row| row["current"] == true));
    let stale = project.json(&["signoffs", "ticket-routing-requirements", "--json"]);
    assert_eq!(stale["status"], "proposed");
    assert_eq!(stale["signoffs"].as_array().expect("list").len(), 2);
    assert!(stale["signoffs"].as_array().expect("list").iter().all(|row| row["current"] == false));
}

#[test]
fn status_follows_the_lifecycle_and_agreed_needs_signoffs() {
    let project = TempProject::example();
    let refused = project.seam(&["status", "ticket-routing-api", "draft"]);
    assert_eq!(code(&refused), 2);
    assert!(
        stderr(&refused).contains(
            "a document that is agreed cannot become draft; from agreed it can become proposed, superseded, retired"
        ),
        "{}",
        stderr(&refused)
    );

    let before = project.read(FEED);
    let moved = project.json(&["status", "escalation-risk-feed", "proposed", "--json"]);
    assert_eq!(moved["from"], "draft");
    assert_eq!(moved["status"], "proposed");
    assert_eq!(moved["changed"], true);
    assert_eq!(project.read(FEED), before.replacen("status: draft", "status: proposed", 1), "only the value changes");

    let unsigned = project.seam(&["status", "escalation-risk-feed", "agreed"]);
    assert_eq!(code(&unsigned), 2);
    assert!(stderr(&unsigned).contains("missing: engineer, data-scientist"), "{}", stderr(&unsigned));
    assert!(project.read(FEED).contains("status: proposed"));

    let wrong_role =
        project.seam(&["signoff", "escalation-risk-feed", "--as", "Dana Brooks", "--role", "product-owner"]);
    assert_eq!(code(&wrong_role), 2);
    assert!(stderr(&wrong_role).contains("it requires engineer, data-scientist"), "{}", stderr(&wrong_role));

    let signed =
        project.json(&["signoff", "escalation-risk-feed", "--as", "Lukas Brenner", "--role", "engineer", "--json"]);
    assert_eq!(signed["missing_roles"], serde_json::json!(["data-scientist"]));
    assert!(signed["hash"].as_str().expect("hash").starts_with("sha256:"));
    project.ok(&["signoff", "escalation-risk-feed", "--as", "Aiko Watanabe", "--role", "data-scientist"]);
    project.ok(&["status", "escalation-risk-feed", "agreed"]);
    assert_eq!(project.json(&["lint", "--json"])["errors"], 0);
    let again = project.ok(&["status", "escalation-risk-feed", "agreed"]);
    assert!(again.contains("already agreed"), "{again}");

    // A third person's edit makes both sign-offs stale; lint reports the contradiction.
    project.ok(&["set", "escalation-risk-feed", "sla.latency_p95_ms", "900"]);
    let lint = project.seam(&["lint", "--json"]);
    assert_eq!(code(&lint), 1);
    let lint: Value = serde_json::from_slice(&lint.stdout).expect("json");
    let issue = lint["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .find(|issue| issue["code"] == "agreed-without-signoff")
        .expect("issue");
    assert_eq!(issue["path"], FEED);
    assert!(issue["message"]
        .as_str()
        .expect("message")
        .contains("Lukas Brenner (engineer), Aiko Watanabe (data-scientist)"));
    let report = project.json(&["signoffs", "escalation-risk-feed", "--json"]);
    for row in report["signoffs"].as_array().expect("rows") {
        assert_eq!(row["current"], false);
        assert!(row["signed_version"].as_str().expect("found in history").starts_with("sha256:"));
        let fields = row["changes"]["fields"].as_array().expect("fields");
        assert_eq!(fields.len(), 1, "{fields:?}");
        assert_eq!(fields[0]["path"], "sla.latency_p95_ms");
        assert_eq!(fields[0]["new"], "900");
    }
    let text = project.ok(&["signoffs", "escalation-risk-feed"]);
    assert!(text.contains("STALE: signed on version sha256:"), "{text}");
}

#[test]
fn item_states_and_counter_proposals() {
    let project = TempProject::example();
    let sheet = "requirements/ticket-routing-requirements.md";
    project.ok(&[
        "item",
        "ticket-routing-requirements",
        "inference-cost",
        "state",
        "disputed",
        "--as",
        "Julia Nowak",
        "--reason",
        "cost not measured yet",
    ]);
    let text = project.read(sheet);
    assert!(text.contains("state_by: Julia Nowak"), "{text}");
    assert!(text.contains("state_reason: cost not measured yet"), "{text}");

    project.ok(&[
        "item",
        "ticket-routing-requirements",
        "f1-language-de",
        "propose",
        "threshold",
        "0.74",
        "--as",
        "Tomás Herrera",
        "--reason",
        "1,700 German gold labels",
    ]);
    let items = project.json(&["items", "ticket-routing-requirements", "--json"]);
    let row = items.as_array().expect("items").iter().find(|item| item["id"] == "f1-language-de").expect("row");
    assert_eq!(row["kind"], "requirement");
    assert_eq!(row["state"], "proposed");
    assert_eq!(row["proposal"]["by"], "Tomás Herrera");
    assert_eq!(row["proposal"]["values"][0]["field"], "threshold");
    assert_eq!(row["proposal"]["values"][0]["current"], 0.78);
    assert_eq!(row["proposal"]["values"][0]["proposed"], 0.74);

    let invalid = project.seam(&[
        "item",
        "ticket-routing-requirements",
        "f1-language-de",
        "propose",
        "op",
        ">>",
        "--as",
        "T",
        "--reason",
        "r",
    ]);
    assert_eq!(code(&invalid), 2);
    let unknown = project.seam(&["item", "ticket-routing-requirements", "no-such-row", "state", "agreed", "--as", "T"]);
    assert_eq!(code(&unknown), 2);
    assert!(stderr(&unknown).contains("no item \"no-such-row\""), "{}", stderr(&unknown));

    project.ok(&["item", "ticket-routing-requirements", "f1-language-de", "accept", "--as", "Maren Lindqvist"]);
    let shown = project.json(&["show", "ticket-routing-requirements", "--json"]);
    let row = shown["front_matter"]["requirements"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["id"] == "f1-language-de")
        .expect("row")
        .clone();
    assert_eq!(row["threshold"], 0.74);
    assert_eq!(row["state"], "agreed");
    assert!(row.get("proposed").is_none());

    project.ok(&[
        "item",
        "ticket-routing-api",
        "sla.availability",
        "propose",
        "value",
        "99.9",
        "--as",
        "Kwame Mensah",
        "--reason",
        "agents rely on it",
    ]);
    project.ok(&[
        "item",
        "ticket-routing-api",
        "availability",
        "reject",
        "--as",
        "Julia Nowak",
        "--reason",
        "needs a second region",
    ]);
    let shown = project.json(&["show", "ticket-routing-api", "--json"]);
    assert_eq!(shown["front_matter"]["sla"]["availability"], 99.5);
    assert_eq!(shown["front_matter"]["sla_states"]["availability"]["state"], "disputed");
    assert_eq!(shown["front_matter"]["sla_states"]["availability"]["state_reason"], "needs a second region");
    assert_eq!(shown["issues"], serde_json::json!([]));
    assert_eq!(code(&project.seam(&["item", "ticket-routing-api", "availability", "accept", "--as", "J"])), 2);
}

#[test]
fn discussions_reply_resolve_reopen_and_list() {
    let project = TempProject::example();
    let unresolved = |project: &TempProject| {
        let list = project.json(&["list", "--json"]);
        list.as_array().expect("list").iter().find(|row| row["id"] == "ticket-routing-api").expect("row")["unresolved"]
            .as_u64()
            .expect("count")
    };
    let before = unresolved(&project);
    let comment = project.json(&[
        "discuss",
        "ticket-routing-api",
        "--item",
        "explanation",
        "Is the explanation stable across model versions?",
        "--as",
        "Kwame Mensah",
        "--json",
    ]);
    let id = comment["id"].as_str().expect("id").to_string();
    assert!(id.ends_with("-kwame-mensah"), "{id}");
    let path = comment["path"].as_str().expect("path").to_string();
    assert!(path.starts_with("discussions/ticket-routing-api/"), "{path}");
    let file = project.read(&path);
    assert!(file.contains("item: explanation\n") && file.contains("reply_to: null\nresolved: false\n"), "{file}");

    let reply = project.json(&[
        "discuss",
        "reply",
        &id,
        "Yes: it comes from the same feature attributions.",
        "--as",
        "Tomás Herrera",
        "--json",
    ]);
    assert_eq!(reply["reply_to"], id.as_str());
    assert_eq!(reply["item"], "explanation");

    let threads = project.json(&["discuss", "list", "ticket-routing-api", "--json"]);
    let thread =
        threads.as_array().expect("threads").iter().find(|thread| thread["id"] == id.as_str()).expect("thread");
    assert_eq!(thread["resolved"], false);
    assert_eq!(thread["last_author"], "Tomás Herrera");
    assert_eq!(thread["waiting_on"], serde_json::json!(["Kwame Mensah", "Julia Nowak"]));
    assert_eq!(thread["comments"].as_array().expect("comments").len(), 2);

    assert_eq!(unresolved(&project), before + 1, "the list counts the new thread");
    let resolved = project.ok(&["discuss", "resolve", reply["id"].as_str().expect("id")]);
    assert_eq!(unresolved(&project), before);
    assert!(resolved.contains("resolved"), "{resolved}");
    assert_eq!(project.read(&path), file.replace("resolved: false", "resolved: true"));
    project.ok(&["discuss", "reopen", &id]);
    assert_eq!(project.read(&path), file);
    assert_eq!(project.json(&["lint", "--json"])["errors"], 0);

    assert_eq!(code(&project.seam(&["discuss", "reply", "no-such-comment", "x", "--as", "A"])), 2);
    assert_eq!(code(&project.seam(&["discuss", "no-such-doc", "x", "--as", "A"])), 2);
}

#[test]
fn identity_from_settings_then_git_else_a_clear_error() {
    let project = TempProject::example();
    let missing = project.seam(&["whoami"]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("--as NAME"), "{}", stderr(&missing));
    fs::create_dir_all(&project.config).expect("mkdir");
    fs::write(project.config.join("identity.toml"), "name = \"Aiko Watanabe\"\nrole = \"data-scientist\"\n")
        .expect("write");
    let who = project.json(&["whoami", "--json"]);
    assert_eq!(who, serde_json::json!({"name": "Aiko Watanabe", "role": "data-scientist", "source": "settings"}));
    // --as and --role default to the settings.
    project.ok(&["signoff", "triage-gold-labels-2025"]);
    let report = project.json(&["signoffs", "triage-gold-labels-2025", "--json"]);
    assert_eq!(report["signoffs"][0]["name"], "Aiko Watanabe");
    assert_eq!(report["signoffs"][0]["role"], "data-scientist");
    assert_eq!(report["missing_roles"], serde_json::json!([]));
    assert!(!project.root.join("identity.toml").exists());
}

#[test]
fn meeting_new_agenda_decide() {
    let project = TempProject::example();
    let created = project.json(&[
        "meeting",
        "new",
        "--title",
        "Router v2 follow-up",
        "--date",
        "2026-11-24",
        "--attendee",
        "Maren Lindqvist:product-owner",
        "--attendee",
        "Tomás Herrera:data-scientist",
        "--as",
        "Maren Lindqvist",
        "--json",
    ]);
    assert_eq!(created["id"], "router-v2-follow-up");
    let meeting = project.read("meetings/router-v2-follow-up.md");
    assert!(meeting.contains("date: 2026-11-24\n"), "{meeting}");
    assert!(
        meeting.contains(
            "attendees: [{name: Maren Lindqvist, role: product-owner}, {name: Tomás Herrera, role: data-scientist}]"
        ),
        "{meeting}"
    );
    assert!(meeting.contains("owners: [{name: Maren Lindqvist, role: product-owner}]"), "{meeting}");

    let agenda = project.json(&["meeting", "agenda", "--today", "2026-11-24", "--json"]);
    assert_eq!(agenda["last_meeting"], "routing-v2-negotiation-2026-11-10");
    assert_eq!(agenda["since"], "2026-11-10");
    let items = agenda["items"].as_array().expect("items");
    let has = |kind: &str, document: &str, item: Option<&str>| {
        items.iter().any(|entry| {
            entry["kind"] == kind && entry["document"] == document && item.is_none_or(|item| entry["item"] == item)
        })
    };
    assert!(has("disputed-item", "ticket-routing-requirements", Some("f1-language-de")), "{agenda:#}");
    assert!(has("proposed-document", "ticket-routing-requirements", None), "{agenda:#}");
    assert!(has("stale-signoff", "ticket-routing-requirements", None), "{agenda:#}");
    assert!(has("unresolved-thread", "ticket-routing-requirements", Some("f1-language-de")), "{agenda:#}");
    assert!(
        items.iter().all(|entry| entry["document"] != "support-tickets-2023"),
        "superseded documents are not on the agenda"
    );

    let decided = project.seam(&[
        "meeting",
        "decide",
        "router-v2-follow-up",
        "--document",
        "ticket-routing-requirements",
        "--item",
        "f1-language-de",
        "--decision",
        "Threshold stays 0.78; relabel by 2026-12-08",
        "--state",
        "agreed",
        "--as",
        "Maren Lindqvist",
    ]);
    assert!(decided.status.success(), "{}", stderr(&decided));
    let meeting = project.read("meetings/router-v2-follow-up.md");
    assert!(meeting.contains("decisions: [{document: ticket-routing-requirements, item: f1-language-de, decision: \"Threshold stays 0.78; relabel by 2026-12-08\", by: Maren Lindqvist, state: agreed}]"), "{meeting}");
    let items = project.json(&["items", "ticket-routing-requirements", "--json"]);
    let row = items.as_array().expect("items").iter().find(|item| item["id"] == "f1-language-de").expect("row");
    assert_eq!(row["state"], "agreed");
    assert_eq!(row["state_by"], "Maren Lindqvist");
    assert_eq!(row["state_reason"], "Threshold stays 0.78; relabel by 2026-12-08 (router-v2-follow-up)");

    // Without --item the state is the document's status, through the lifecycle.
    let refused = project.seam(&[
        "meeting",
        "decide",
        "router-v2-follow-up",
        "--document",
        "ticket-routing-requirements",
        "--decision",
        "Agree v2",
        "--state",
        "agreed",
        "--as",
        "Maren Lindqvist",
    ]);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("missing: product-owner, data-scientist"), "{}", stderr(&refused));
    assert!(
        !project.read("meetings/router-v2-follow-up.md").contains("Agree v2"),
        "a refused decision is not recorded"
    );
    assert_eq!(project.json(&["lint", "--json"])["errors"], 0);

    // Changes since a date history does not reach back to are counted from the oldest kept version.
    project.ok(&["set", "escalation-risk-feed", "sla.latency_p95_ms", "700"]);
    let today = &agenda_today();
    let agenda = project.json(&["meeting", "agenda", "--since", today, "--json"]);
    let change = agenda["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|change| change["document"] == "escalation-risk-feed")
        .expect("change");
    assert_eq!(change["complete"], false);
    assert!(change["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .any(|field| field["path"] == "sla.latency_p95_ms" && field["new"] == "700"));
}

/// Today (UTC) as the CLI sees it, from `seam meeting new` without `--date`.
fn agenda_today() -> String {
    let project = TempProject::example();
    let created = project.json(&["meeting", "new", "--title", "Today", "--json"]);
    let text = project.read(created["path"].as_str().expect("path"));
    let line = text.lines().find(|line| line.starts_with("date: ")).expect("date line");
    line.trim_start_matches("date: ").to_string()
}

#[test]
fn packet_html_is_self_contained() {
    let project = TempProject::example();
    let out = project.root.parent().expect("parent").join("packet.html");
    project.ok(&["meeting", "packet", "--today", "2026-11-24", "--out", out.to_str().expect("utf-8")]);
    let html = fs::read_to_string(&out).expect("read packet");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for section in [
        "1. Agenda",
        "2. Changes since the last meeting",
        "3. Open questions",
        "4. Decisions",
        "Disputed items",
        "Stale sign-offs",
    ] {
        assert!(html.contains(section), "{section} missing");
    }
    assert!(html.contains("f1-language-de"));
    assert!(html.contains("Coverage becomes a band"), "the last meeting's decisions are in the packet");
    assert!(html.contains("Mostly data."), "open questions carry the comments");
    for external in ["<script", "src=", "<link", "@import", "url("] {
        assert!(!html.contains(external), "{external} in a self-contained packet");
    }
    let wrong = project.seam(&["meeting", "packet", "--out", "packet.txt"]);
    assert_eq!(code(&wrong), 2);
}

#[test]
fn packet_pdf_from_headless_chromium_reads_back() {
    let project = TempProject::example();
    let out = project.root.parent().expect("parent").join("packet.pdf");
    project.ok(&["meeting", "packet", "--today", "2026-11-24", "--out", out.to_str().expect("utf-8")]);
    let bytes = fs::read(&out).expect("pdf written");
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext (Debian: poppler-utils)");
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "meeting packet",
        "Agenda",
        "Disputed items",
        "f1-language-de",
        "Stale sign-offs",
        "Open questions",
        "Decisions",
        "Coverage becomes a band",
    ] {
        assert!(text.contains(expected), "{expected} not in the PDF text:\n{text}");
    }

    let missing = Command::new(env!("CARGO_BIN_EXE_seam"))
        .args(["-C", project.root.to_str().expect("utf-8"), "meeting", "packet", "--out"])
        .arg(project.root.parent().expect("parent").join("other.pdf"))
        .env("SEAM_DATA_DIR", &project.data)
        .env("SEAM_CHROMIUM", "/nonexistent/chromium")
        .output()
        .expect("run");
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("could not start /nonexistent/chromium"), "{}", stderr(&missing));
}
