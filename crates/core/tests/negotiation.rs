//! Negotiation in the core: the content hash (what counts as a change), the lifecycle as data
//! (`cases/negotiation/transitions.cases`), sign-offs and staleness against the revision store,
//! item states and counter-proposals, discussions, all on real temp project folders.

use std::fs;
use std::path::{Path, PathBuf};

use seam_core::document::edit::NewValue;
use seam_core::document::model::{ItemState, Status};
use seam_core::document::parse_document;
use seam_core::negotiation::discussion::{self, NewComment};
use seam_core::negotiation::hash::{content_hash, is_well_formed};
use seam_core::negotiation::items::{self, ItemKind};
use seam_core::negotiation::lifecycle::{self, check_transition};
use seam_core::negotiation::signoff::{self, signoff_report};
use seam_core::negotiation::{identity, Actor, NegotiationError};
use seam_core::project::{self, Project};
use seam_core::store::Store;

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/negotiation").join(name)
}

fn contract_text() -> String {
    fs::read_to_string(case("contract.md")).expect("read contract case")
}

fn hash_of(text: &str) -> String {
    content_hash(&parse_document("contracts/scoring-api.md", text.as_bytes()))
}

struct Temp {
    _dir: tempfile::TempDir,
    project: Project,
    store: Store,
}

fn temp_project() -> Temp {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("p");
    seam_core::example::init_project(&root, false).expect("init");
    fs::write(root.join("contracts/scoring-api.md"), contract_text()).expect("write contract");
    let project = Project::open(&root).expect("open");
    let mut store = Store::open_at(&dir.path().join("store/seam.db")).expect("store");
    project::index(&project, &mut store).expect("index");
    Temp { _dir: dir, project, store }
}

fn actor(name: &str, reason: Option<&str>) -> Actor {
    Actor { name: name.to_string(), at: "2026-11-20T10:00:00Z".to_string(), reason: reason.map(str::to_string) }
}

const PATH: &str = "contracts/scoring-api.md";

#[test]
fn hash_ignores_line_endings_trailing_spaces_layout_and_bookkeeping() {
    let text = contract_text();
    let base = hash_of(&text);
    assert!(is_well_formed(&base), "{base}");
    let same = [
        text.replace('\n', "\r\n"),
        text.replace("Scores transactions.", "Scores transactions.   \t"),
        text.replace("## Purpose\n", "## Purpose   \n") + "\n\n\n",
        text.replace("status: proposed", "status: agreed"),
        text.replace("signoffs: []", "signoffs: [{name: A, role: engineer, at: x, hash: y}]"),
        text.replace("title: Scoring API", "title: Scoring API   # a comment"),
        text.replace("title: Scoring API", "title: \"Scoring API\""),
        text.replace(
            "sla: {latency_p95_ms: 50, throughput_rps: 200}",
            "sla:\n  throughput_rps: 200\n  latency_p95_ms: 50.0",
        ),
        text.replace(
            "{name: country, type: string}",
            "{name: country, type: string, state: disputed, state_by: B, proposed: {type: number}}",
        ),
        text.replace("signoffs: []", "sla_states: {latency_p95_ms: {state: agreed}}\nsignoffs: []"),
    ];
    for (index, variant) in same.iter().enumerate() {
        assert_eq!(hash_of(variant), base, "variant {index} should hash the same:\n{variant}");
    }
    let different = [
        text.replace("title: Scoring API", "title: Scoring API v2"),
        text.replace("latency_p95_ms: 50", "latency_p95_ms: 60"),
        text.replace("range: [0, 1]", "range: [0, 2]"),
        text.replace("Scores transactions.", "Scores transactions and refunds."),
        text.replace("Scores transactions.", "Scores\ntransactions."),
        text.replace("version: 1.0.0", "version: 1.0.1"),
        text.replace("owners: [{name: Ana Ruiz, role: data-scientist}]", "owners: [{name: Ana Ruiz, role: engineer}]"),
        text.replace("{name: country, type: string}", "{name: country, type: string, unit: iso}"),
    ];
    for (index, variant) in different.iter().enumerate() {
        assert_ne!(hash_of(variant), base, "variant {index} should hash differently:\n{variant}");
    }
}

#[test]
fn malformed_hashes_are_recognised() {
    for bad in [
        "",
        "sha256:",
        "sha256:abc",
        "md5:0123",
        &format!("sha256:{}", "G".repeat(64)),
        &format!("SHA256:{}", "a".repeat(64)),
    ] {
        assert!(!is_well_formed(bad), "{bad}");
    }
    assert!(is_well_formed(&format!("sha256:{}", "0a".repeat(32))));
}

#[test]
fn transitions_as_data() {
    let text = fs::read_to_string(case("transitions.cases")).expect("read cases");
    let config = seam_core::project::Config::default();
    let document = parse_document(PATH, contract_text().as_bytes());
    let mut signed = signoff_report(&config, &document);
    let unsigned = {
        let mut report = signed.clone();
        report.missing_roles = vec!["engineer".to_string()];
        report
    };
    signed.missing_roles.clear();
    let mut checked = 0;
    for (number, line) in text.lines().enumerate().map(|(index, line)| (index + 1, line.trim())) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [from, to, expected] = parts.as_slice() else { panic!("transitions.cases:{number}: bad line `{line}`") };
        let from = if *from == "none" { None } else { Some(Status::parse(from).expect("a status")) };
        let to = Status::parse(to).expect("a status");
        let with_signoffs = check_transition(PATH, from, to, &signed);
        let without = check_transition(PATH, from, to, &unsigned);
        let outcome = match (with_signoffs, without) {
            (Ok(None), _) => "unchanged",
            (Ok(Some(_)), Ok(Some(_))) => "ok",
            (Ok(Some(_)), Err(NegotiationError::Refused { code: "signoffs-missing", .. })) => "ok-needs-signoffs",
            (Err(NegotiationError::Refused { code: "transition-not-allowed", .. }), _) => "refused",
            other => panic!("transitions.cases:{number}: unexpected {other:?}"),
        };
        assert_eq!(outcome, *expected, "transitions.cases:{number}: {line}");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} cases read");
    // Every allowed step of the table is covered by a case line.
    for transition in lifecycle::TRANSITIONS {
        let line = format!("{} {} ", transition.from.as_str(), transition.to.as_str());
        assert!(text.lines().any(|case| case.starts_with(&line)), "no case for {line}");
    }
}

#[test]
fn agreed_needs_current_signoffs_and_edits_make_them_stale() {
    let Temp { project, mut store, _dir } = temp_project();
    let refused = lifecycle::set_status(&project, Some(&mut store), PATH, Status::Agreed).expect_err("unsigned");
    assert!(matches!(refused, NegotiationError::Refused { code: "signoffs-missing", .. }), "{refused}");
    assert!(refused.to_string().contains("engineer, data-scientist"), "{refused}");

    let err = signoff::sign(&project, Some(&mut store), PATH, "Ben Okafor", "product-owner", "2026-11-20T10:00:00Z")
        .expect_err("role not required for contracts");
    assert!(matches!(err, NegotiationError::Refused { code: "role-not-required", .. }), "{err}");

    signoff::sign(&project, Some(&mut store), PATH, "Ben Okafor", "engineer", "2026-11-20T10:00:00Z").expect("sign");
    signoff::sign(&project, Some(&mut store), PATH, "Ana Ruiz", "data-scientist", "2026-11-20T10:05:00Z")
        .expect("sign");
    // Signing again replaces the earlier row of that name and role.
    signoff::sign(&project, Some(&mut store), PATH, "Ben Okafor", "engineer", "2026-11-20T10:10:00Z").expect("sign");
    let document = project.read_document(PATH).expect("read");
    let report = signoff_report(&project.config, &document);
    assert_eq!(report.signoffs.len(), 2);
    assert!(report.signoffs.iter().all(|signoff| signoff.current));
    assert!(report.missing_roles.is_empty());
    assert_eq!(report.signoffs[0].at, "2026-11-20T10:10:00Z");
    let signed_text = document.text.clone();

    lifecycle::set_status(&project, Some(&mut store), PATH, Status::Agreed).expect("agreed");
    let agreed = project.read_document(PATH).expect("read");
    assert_eq!(agreed.status().as_deref(), Some("agreed"));
    assert!(
        signoff::lint_issues(&project.config, &agreed).is_empty(),
        "{:?}",
        signoff::lint_issues(&project.config, &agreed)
    );
    assert!(signoff_report(&project.config, &agreed).missing_roles.is_empty(), "status is not part of the content");

    // Someone edits a value by hand after agreement.
    let edited = agreed.text.replace("latency_p95_ms: 50", "latency_p95_ms: 80");
    fs::write(project.root.join(PATH), &edited).expect("edit");
    project::index(&project, &mut store).expect("index");
    let document = project.read_document(PATH).expect("read");
    let report = signoff_report(&project.config, &document);
    assert!(report.signoffs.iter().all(|signoff| !signoff.current));
    assert_eq!(report.missing_roles, vec!["engineer", "data-scientist"]);
    let issues = signoff::lint_issues(&project.config, &document);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].code, "agreed-without-signoff");
    assert_eq!(issues[0].line, Some(5));

    // The version the sign-off was made on is found in the store, and the diff since names the edit.
    let since =
        signoff::changes_since(&project, &store, PATH, &report.signoffs[0].hash).expect("history").expect("found");
    // The newest version with the signed content: after `status: agreed`, which the hash leaves out.
    assert_eq!(since.version.rev, agreed.hash);
    assert_ne!(agreed.hash, parse_document(PATH, signed_text.as_bytes()).hash);
    let paths: Vec<&str> = since.diff.fields.iter().map(|field| field.path.as_str()).collect();
    assert_eq!(paths, vec!["sla.latency_p95_ms"]);

    // The one-call view for a document screen.
    let view = seam_core::negotiation::document_negotiation(&project, &store, PATH).expect("view");
    assert_eq!(view.status, Some(Status::Agreed));
    assert_eq!(view.next_statuses, vec![Status::Proposed, Status::Superseded, Status::Retired]);
    assert!(!view.can_agree);
    assert_eq!(view.stale.len(), 2);
    assert_eq!(view.stale[0].since.as_ref().expect("found").diff.fields[0].path, "sla.latency_p95_ms");
    assert_eq!(view.items.len(), 5);

    // A hash no version has: not found, and reported as such.
    let unknown = format!("sha256:{}", "0".repeat(64));
    assert!(signoff::changes_since(&project, &store, PATH, &unknown).expect("history").is_none());
}

#[test]
fn lint_reports_unrequired_roles_and_malformed_hashes() {
    let text = contract_text().replace(
        "signoffs: []",
        "signoffs:\n  - {name: Ben, role: auditor, at: 2026-11-20T10:00:00Z, hash: \"sha256:abc\"}",
    );
    let document = parse_document(PATH, text.as_bytes());
    let mut config = seam_core::project::Config::default();
    config.signoff.insert("contract".to_string(), vec!["engineer".to_string()]);
    let issues = signoff::lint_issues(&config, &document);
    let codes: Vec<(&str, Option<usize>)> = issues.iter().map(|issue| (issue.code, issue.line)).collect();
    assert_eq!(codes, vec![("signoff-hash", Some(16)), ("signoff-role", Some(16))], "{issues:?}");
}

#[test]
fn item_states_and_counter_proposals() {
    let Temp { project, mut store, _dir } = temp_project();
    let document = project.read_document(PATH).expect("read");
    let ids: Vec<(String, ItemKind)> =
        items::items(&document).into_iter().map(|item| (item.item.id, item.item.kind)).collect();
    assert_eq!(
        ids,
        vec![
            ("amount".to_string(), ItemKind::Input),
            ("country".to_string(), ItemKind::Input),
            ("score".to_string(), ItemKind::Output),
            ("sla.latency_p95_ms".to_string(), ItemKind::Sla),
            ("sla.throughput_rps".to_string(), ItemKind::Sla),
        ]
    );
    let missing = items::set_item_state(&project, Some(&mut store), PATH, "nope", ItemState::Agreed, &actor("A", None));
    assert!(matches!(missing, Err(NegotiationError::Refused { code: "unknown-item", .. })));

    items::set_item_state(
        &project,
        Some(&mut store),
        PATH,
        "country",
        ItemState::Disputed,
        &actor("Ben", Some("ISO codes?")),
    )
    .expect("state");
    let text = project.read_document(PATH).expect("read").text;
    assert!(
        text.contains("{name: country, type: string, state: disputed, state_by: Ben, state_at: \"2026-11-20T10:00:00Z\", state_reason: ISO codes?}")
            || text.contains("state_reason: \"ISO codes?\"}"),
        "{text}"
    );

    // A counter-proposal keeps the agreed value and sits beside it.
    let bad = items::propose(
        &project,
        Some(&mut store),
        PATH,
        "amount",
        &[("nullable".into(), NewValue::Yaml("maybe".into()))],
        &actor("Ana", Some("r")),
    );
    assert!(matches!(bad, Err(NegotiationError::Refused { code: "bad-proposal", .. })), "{bad:?}");
    items::propose(
        &project,
        Some(&mut store),
        PATH,
        "amount",
        &[("range".into(), NewValue::Yaml("[0, 50000]".into()))],
        &actor("Ana", Some("fraud above 50k is manual")),
    )
    .expect("propose");
    let document = project.read_document(PATH).expect("read");
    let amount = items::items(&document).into_iter().find(|item| item.item.id == "amount").expect("amount");
    assert_eq!(amount.state, Some(ItemState::Proposed));
    let proposal = amount.proposal.expect("open proposal");
    assert_eq!(proposal.by.as_deref(), Some("Ana"));
    assert_eq!(proposal.values[0].field, "range");
    assert_eq!(proposal.values[0].current, Some(serde_json::json!([0, 100000])));
    assert_eq!(proposal.values[0].proposed, serde_json::json!([0, 50000]));
    assert_eq!(document.json["input"][0]["range"], serde_json::json!([0, 100000]), "agreed value stays until accepted");

    items::accept(&project, Some(&mut store), PATH, "amount", &actor("Ben", None)).expect("accept");
    let document = project.read_document(PATH).expect("read");
    assert_eq!(document.json["input"][0]["range"], serde_json::json!([0, 50000]));
    assert!(document.json["input"][0].get("proposed").is_none());
    assert_eq!(document.json["input"][0]["state"], "agreed");
    assert_eq!(document.json["input"][0]["state_reason"], "accepted the counter-proposal by Ana");
    assert!(document.issues.is_empty(), "{:?}", document.issues);
    let again = items::accept(&project, Some(&mut store), PATH, "amount", &actor("Ben", None));
    assert!(matches!(again, Err(NegotiationError::Refused { code: "no-proposal", .. })));

    // SLA entries: state beside the `sla` mapping; reject keeps the value and marks it disputed.
    items::propose(
        &project,
        Some(&mut store),
        PATH,
        "latency_p95_ms",
        &[("value".into(), NewValue::Yaml("80".into()))],
        &actor("Ana", Some("GPU queue")),
    )
    .expect("propose sla");
    items::reject(
        &project,
        Some(&mut store),
        PATH,
        "sla.latency_p95_ms",
        &actor("Ben", Some("checkout times out at 100 ms")),
    )
    .expect("reject");
    let document = project.read_document(PATH).expect("read");
    assert_eq!(document.json["sla"]["latency_p95_ms"], 50);
    assert_eq!(document.json["sla_states"]["latency_p95_ms"]["state"], "disputed");
    assert!(document.json["sla_states"]["latency_p95_ms"].get("proposed").is_none());
    assert!(document.issues.is_empty(), "{:?}", document.issues);
    // Untouched rows keep their bytes.
    assert!(document.text.contains("  - {name: score, type: number, range: [0, 1]}\n"));
}

#[test]
fn discussions_threads_resolve_and_counts() {
    let Temp { project, store, _dir } = temp_project();
    let comment = |author: &str, at: &str, reply_to: Option<String>, item: Option<&str>| NewComment {
        document: "scoring-api".to_string(),
        item: item.map(str::to_string),
        author: author.to_string(),
        at: at.to_string(),
        reply_to,
        text: format!("text by {author}"),
    };
    let root =
        discussion::add_comment(&project, &store, &comment("Ana Ruiz", "2026-11-20T10:00:00Z", None, Some("amount")))
            .expect("add");
    assert_eq!(root.rel_path, "discussions/scoring-api/20261120T100000Z-ana-ruiz.md");
    let reply = discussion::reply(&project, &store, &root.id, "Tomás Herrera", "2026-11-20T11:00:00Z", "a reply")
        .expect("reply");
    assert_eq!(reply.item.as_deref(), Some("amount"));
    assert_eq!(reply.id, "20261120T110000Z-tomas-herrera");
    discussion::add_comment(&project, &store, &comment("Ben", "2026-11-21T09:00:00Z", None, None))
        .expect("second thread");
    let bad = discussion::add_comment(&project, &store, &comment("Ben", "2026-11-21T09:00:00Z", None, Some("nope")));
    assert!(matches!(bad, Err(NegotiationError::Refused { code: "unknown-item", .. })));

    let (threads, issues) = discussion::threads(&project, &store, Some("scoring-api")).expect("threads");
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(threads.len(), 2);
    assert_eq!(threads[0].comments.len(), 2);
    assert_eq!(threads[0].last_author, "Tomás Herrera");
    assert_eq!(threads[0].waiting_on, vec!["Ana Ruiz"], "the owner commented, so is listed once");
    assert_eq!(threads[1].waiting_on, vec!["Ana Ruiz"], "Ben waits on the owner");
    assert_eq!(discussion::unresolved_counts(&project).get("scoring-api"), Some(&2));

    // Resolving through a reply rewrites the root's `resolved` value in place.
    let before = fs::read_to_string(project.root.join(&root.rel_path)).expect("read");
    discussion::set_resolved(&project, &reply.id, true).expect("resolve");
    let after = fs::read_to_string(project.root.join(&root.rel_path)).expect("read");
    assert_eq!(after, before.replace("resolved: false", "resolved: true"));
    assert_eq!(discussion::unresolved_counts(&project).get("scoring-api"), Some(&1));
    let (threads, _) = discussion::threads(&project, &store, Some("scoring-api")).expect("threads");
    assert!(threads[0].resolved && threads[0].waiting_on.is_empty());
    discussion::set_resolved(&project, &root.id, false).expect("reopen");
    assert_eq!(fs::read_to_string(project.root.join(&root.rel_path)).expect("read"), before);
    assert!(seam_core::lint::lint(&project).issues.iter().all(|issue| !issue.rel_path.starts_with("discussions/")));
}

#[test]
fn identity_comes_from_explicit_then_settings_then_git() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("p");
    fs::create_dir_all(&root).expect("mkdir");
    let settings = dir.path().join("config/identity.toml");
    let explicit = identity::resolve_identity(Some("Ana"), Some(&settings), &root).expect("explicit");
    assert_eq!((explicit.name.as_str(), explicit.source), ("Ana", identity::IdentitySource::Explicit));
    identity::write_settings(
        &settings,
        &identity::IdentitySettings { name: Some("Ben Okafor".into()), role: Some("engineer".into()) },
        Some(&root),
    )
    .expect("write settings");
    let from_settings = identity::resolve_identity(None, Some(&settings), &root).expect("settings");
    assert_eq!(from_settings.name, "Ben Okafor");
    assert_eq!(from_settings.role.as_deref(), Some("engineer"));
    assert_eq!(from_settings.source, identity::IdentitySource::Settings);
    let inside = root.join("identity.toml");
    let refused = identity::write_settings(&inside, &identity::IdentitySettings::default(), Some(&root));
    assert!(refused.is_err(), "settings must never be written into the project");
    fs::write(&settings, "name = [1\n").expect("write");
    let error = identity::resolve_identity(None, Some(&settings), &root).expect_err("bad toml");
    assert!(error.to_string().contains("identity.toml:1"), "{error}");
}

#[test]
fn agenda_decisions_and_packet_html() {
    use seam_core::negotiation::meeting::{self, AgendaKind, AgendaOptions, Attendee, DecisionInput, NewMeeting};
    use seam_core::negotiation::packet;

    let Temp { project, mut store, _dir } = temp_project();
    items::set_item_state(
        &project,
        Some(&mut store),
        PATH,
        "country",
        ItemState::Disputed,
        &actor("Ben <b>", Some("<script>alert(1)</script>")),
    )
    .expect("state");
    discussion::add_comment(
        &project,
        &store,
        &NewComment {
            document: "scoring-api".into(),
            item: None,
            author: "Ana Ruiz".into(),
            at: "2026-11-20T10:00:00Z".into(),
            reply_to: None,
            text: "Who owns <em>retraining</em>? <script>alert(2)</script>".into(),
        },
    )
    .expect("comment");
    let earlier = meeting::create_meeting(
        &project,
        Some(&mut store),
        &NewMeeting {
            title: "Kickoff".into(),
            date: "2026-11-10".into(),
            attendees: vec![Attendee { name: "Ana Ruiz".into(), role: Some("data-scientist".into()) }],
            owner: None,
        },
    )
    .expect("meeting");
    project::index(&project, &mut store).expect("index");
    meeting::decide(
        &project,
        &mut store,
        &earlier,
        &DecisionInput {
            document: "scoring-api".into(),
            item: Some("sla.latency_p95_ms".into()),
            decision: "50 ms stays".into(),
            state: Some("agreed".into()),
            by: "Ana Ruiz".into(),
            at: "2026-11-10T10:00:00Z".into(),
        },
    )
    .expect("decide");
    let options = AgendaOptions { since: None, today: "2026-11-24".into() };
    let agenda = meeting::agenda(&project, &mut store, &options).expect("agenda");
    assert_eq!(agenda.last_meeting.as_deref(), Some("kickoff"));
    assert_eq!(agenda.since.as_deref(), Some("2026-11-10"));
    let kinds: Vec<(AgendaKind, Option<&str>)> =
        agenda.entries.iter().map(|entry| (entry.kind, entry.item.as_deref())).collect();
    assert_eq!(
        kinds,
        vec![
            (AgendaKind::DisputedItem, Some("country")),
            (AgendaKind::ProposedDocument, None),
            (AgendaKind::UnresolvedThread, None),
        ]
    );
    let document = project.read_document(PATH).expect("read");
    assert_eq!(document.json["sla_states"]["latency_p95_ms"]["state"], "agreed");
    assert_eq!(document.json["sla_states"]["latency_p95_ms"]["state_reason"], "50 ms stays (kickoff)");

    let packet = packet::gather(&project, &mut store, &options, "2026-11-24T08:00:00Z").expect("packet");
    assert_eq!(packet.decisions.len(), 1);
    assert_eq!(packet.open_questions.len(), 1);
    let html = packet::to_html(&packet);
    assert!(!html.contains("<script"), "markup from documents and comments is escaped or sanitized");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Ben &lt;b&gt;"));
    assert!(html.contains("<em>retraining</em>"), "comment Markdown is rendered");
    assert!(html.contains("50 ms stays"));
}

#[test]
fn a_stale_signoff_is_traced_to_the_git_commit_it_was_made_on() {
    let Temp { project, mut store, _dir } = temp_project();
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .args(["-c", "user.name=Seam Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(&project.root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    git(&["init", "-q"]);
    signoff::sign(&project, Some(&mut store), PATH, "Ben Okafor", "engineer", "2026-11-20T10:00:00Z").expect("sign");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "signed"]);
    let signed_commit = git(&["rev-parse", "HEAD"]);
    let text = project
        .read_document(PATH)
        .expect("read")
        .text
        .replace("Scores transactions.", "Scores transactions and refunds.");
    fs::write(project.root.join(PATH), text).expect("edit");
    git(&["commit", "-q", "-am", "body edited"]);

    // A store that never saw the signed version: only git has it.
    let fresh_dir = tempfile::tempdir().expect("tempdir");
    let mut fresh = Store::open_at(&fresh_dir.path().join("seam.db")).expect("store");
    project::index(&project, &mut fresh).expect("index");
    let document = project.read_document(PATH).expect("read");
    let report = signoff_report(&project.config, &document);
    assert!(!report.signoffs[0].current);
    let since = signoff::changes_since(&project, &fresh, PATH, &report.signoffs[0].hash)
        .expect("history")
        .expect("found in git");
    assert_eq!(since.version.rev, format!("git:{signed_commit}"));
    assert!(since.diff.body_changed);
    assert!(since.diff.fields.is_empty(), "{:?}", since.diff.fields);
}

#[test]
fn review_comments_name_a_datasheet_section_of_a_dataset_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("example");
    let project = seam_core::project::Project::open(&root).expect("open");
    let mut store = seam_core::store::Store::open_at(&dir.path().join("data/seam.db")).expect("store");
    seam_core::project::index(&project, &mut store).expect("index");
    let comment = |document: &str, item: &str| NewComment {
        document: document.to_string(),
        item: Some(item.to_string()),
        author: "Kwame Mensah".to_string(),
        at: "2026-11-29T10:00:00Z".to_string(),
        reply_to: None,
        text: "Who decided the snapshot day?".to_string(),
    };
    let written = discussion::add_comment(&project, &store, &comment("customer-accounts", "section:collection"))
        .expect("a comment on the collection section");
    assert_eq!(written.item.as_deref(), Some("section:collection"));
    let (threads, _) = discussion::threads(&project, &store, Some("customer-accounts")).expect("threads");
    assert!(threads.iter().any(|thread| thread.item.as_deref() == Some("section:collection")));
    for (document, item) in [("customer-accounts", "section:nope"), ("ticket-routing-api", "section:collection")] {
        let refused = discussion::add_comment(&project, &store, &comment(document, item));
        assert!(matches!(refused, Err(NegotiationError::Refused { code: "unknown-item", .. })), "{document} {item}");
    }
}
