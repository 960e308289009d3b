//! Store tests against a real SQLite file in a temporary folder.

use super::*;

struct TestStore {
    // Kept so the folder outlives the store.
    _folder: tempfile::TempDir,
    store: Store,
}

fn open_test_store() -> TestStore {
    let folder = tempfile::tempdir().expect("tempdir");
    let store = Store::open_at(&folder.path().join("seam.db")).expect("open store");
    TestStore { _folder: folder, store }
}

fn document(rel_path: &str, id: &str, title: &str, body: &str) -> IndexedDocument {
    let content = format!("---\nid: {id}\ntitle: {title}\n---\n{body}");
    IndexedDocument {
        rel_path: rel_path.to_string(),
        id: id.to_string(),
        kind: Some("requirements".to_string()),
        title: title.to_string(),
        status: Some("draft".to_string()),
        version: None,
        owners: vec!["Ana Ruiz".to_string()],
        tags: vec!["payments".to_string()],
        links: vec!["transactions-2024".to_string()],
        field_text: "A missed fraud case costs about 40 EUR.".to_string(),
        body: body.to_string(),
        hash: fake_hash(&content),
        size: content.len() as u64,
        content,
        compressed: None,
        mtime_ns: 1_700_000_000_000_000_000,
        error_count: 0,
    }
}

fn fake_hash(content: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(content.as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256:{hex}")
}

fn sample_documents() -> Vec<IndexedDocument> {
    let mut contract = document(
        "contracts/fraud-scoring-api.md",
        "fraud-scoring-api",
        "Fraud scoring API",
        "The checkout service calls the scorer with every transaction.",
    );
    contract.kind = Some("contract".to_string());
    contract.status = Some("agreed".to_string());
    contract.version = Some("2.1.0".to_string());
    vec![
        document(
            "requirements/fraud-scoring-requirements.md",
            "fraud-scoring-requirements",
            "Fraud scoring requirements",
            "Overall recall must stay above the threshold on the holdout set.",
        ),
        contract,
        document("requirements/latency.md", "latency", "Latency budget", "p95 latency under fifty milliseconds."),
    ]
}

#[test]
fn apply_then_list_and_search_round_trip() {
    let mut test = open_test_store();
    let documents = sample_documents();
    test.store.apply(&documents, &[]).expect("apply");
    assert_eq!(test.store.document_count().expect("count"), 3);

    let all = test.store.list(&ListFilter::default()).expect("list");
    let paths: Vec<&str> = all.iter().map(|row| row.rel_path.as_str()).collect();
    // Ordered by kind, then title.
    assert_eq!(
        paths,
        ["contracts/fraud-scoring-api.md", "requirements/fraud-scoring-requirements.md", "requirements/latency.md",]
    );
    let contract = &all[0];
    assert_eq!(contract.id, "fraud-scoring-api");
    assert_eq!(contract.version.as_deref(), Some("2.1.0"));
    assert_eq!(contract.owners, ["Ana Ruiz"]);
    assert_eq!(contract.tags, ["payments"]);
    assert_eq!(contract.hash, documents[1].hash);

    let agreed = test.store.list(&ListFilter { kind: None, status: Some("agreed".to_string()) }).expect("list agreed");
    assert_eq!(agreed.len(), 1);
    let requirements = test
        .store
        .list(&ListFilter { kind: Some("requirements".to_string()), status: None })
        .expect("list requirements");
    assert_eq!(requirements.len(), 2);

    let by_id = test.store.document_by_id("latency").expect("by id");
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].title, "Latency budget");

    let states = test.store.file_states().expect("file states");
    assert_eq!(states.len(), 3);
    let state = &states["requirements/latency.md"];
    assert_eq!(state.hash, documents[2].hash);
    assert_eq!(state.size, documents[2].size);
    assert_eq!(state.mtime_ns, documents[2].mtime_ns);

    let hits = test.store.search("holdout", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].rel_path, "requirements/fraud-scoring-requirements.md");
    assert!(hits[0].snippet.contains("\u{2}holdout\u{3}"), "{:?}", hits[0].snippet);

    // Stemming: "milliseconds" in the body is found by "millisecond".
    let hits = test.store.search("millisecond ", 10).expect("search");
    assert_eq!(hits.len(), 1);
    // Structured field text and tags are searchable too.
    assert_eq!(test.store.search("EUR ", 10).expect("search").len(), 3);
    assert_eq!(test.store.search("payments ", 10).expect("search").len(), 3);
}

#[test]
fn title_matches_rank_above_body_matches() {
    let mut test = open_test_store();
    let documents = vec![
        document("a.md", "a", "Notes", "We discuss calibration of the scorer here."),
        document("b.md", "b", "Calibration", "Short."),
    ];
    test.store.apply(&documents, &[]).expect("apply");
    let hits = test.store.search("calibration", 10).expect("search");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].rel_path, "b.md");
    assert!(hits[0].rank > hits[1].rank);
}

#[test]
fn broad_queries_rank_title_matches_first_then_the_newest_matches() {
    let mut test = open_test_store();
    let count = 1_500;
    let documents: Vec<IndexedDocument> = (0..count)
        .map(|i| {
            let title = if i == 3 { "Scoring overview".to_string() } else { format!("Note {i}") };
            document(&format!("notes/n{i:04}.md"), &format!("n{i:04}"), &title, "Shared wording about scoring.")
        })
        .collect();
    test.store.apply(&[document("notes/rare.md", "rare", "Rare", "The scoreboarding step.")], &[]).expect("apply");
    test.store.apply(&documents, &[]).expect("apply");
    // More than RANK_CANDIDATES documents match: the one with the word in its title comes first
    // although it was added among the first, the rest are from the newest RANK_CANDIDATES.
    let hits = test.store.search("scoring", 10).expect("search");
    assert_eq!(hits.len(), 10);
    assert_eq!(hits[0].rel_path, "notes/n0003.md");
    let newest = count - usize::try_from(RANK_CANDIDATES).expect("small");
    for hit in &hits[1..] {
        let number: usize = hit.rel_path["notes/n".len().."notes/n0000".len()].parse().expect("number");
        assert!(number >= newest, "{} is not among the newest matches", hit.rel_path);
    }
    // The same while typing (a prefix through the prefix index), and a narrow query is exact.
    assert_eq!(test.store.search("scor", 10).expect("search")[0].rel_path, "notes/n0003.md");
    let hits = test.store.search("overview", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].rel_path, "notes/n0003.md");
    // A rare word behind a common prefix (`sco…` matches every document), in the oldest
    // document, is found: the windows miss it, the whole ranking does not.
    let hits = test.store.search("scoreboar", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].rel_path, "notes/rare.md");
}

#[test]
fn seam_bm25_scores_as_fts5_bm25_when_it_counts_every_match() {
    // Every word is in fewer than IDF_SAMPLE documents, so seam_bm25 counts exactly: its
    // scores are bm25's (same weights), document by document.
    let mut test = open_test_store();
    let documents: Vec<IndexedDocument> = (0..40)
        .map(|i| {
            let title = if i % 7 == 0 { "Drift monitoring" } else { "Note" };
            let drift = if i % 4 == 0 { "drift ".repeat(i % 5 + 1) } else { String::new() };
            let seasonality = if i % 3 == 0 { "seasonality ".repeat(i % 2 + 1) } else { String::new() };
            let body = format!("{drift}{seasonality}closing words {}", "filler ".repeat(i % 6));
            document(&format!("n{i:02}.md"), &format!("n{i:02}"), title, &body)
        })
        .collect();
    test.store.apply(&documents, &[]).expect("apply");
    assert_scores_are_bm25s(&test.store);
    // Twice: the second time with the document lengths seam_bm25 looked up the first time.
    assert_scores_are_bm25s(&test.store);

    // Lengths change with the documents: an edit through this store, and one committed by
    // another connection, are both seen by the next search.
    let mut longer = documents[4].clone();
    longer.body = format!("{} {}", longer.body, "more words here ".repeat(30));
    longer.hash = fake_hash(&longer.body);
    test.store.apply(std::slice::from_ref(&longer), &[]).expect("edit");
    assert_scores_are_bm25s(&test.store);
    test.store.finish_fresh_build().expect("finish the build before a second open");
    let mut other = Store::open_at(test.store.path()).expect("a second connection");
    let mut shorter = documents[8].clone();
    shorter.body = "drift".to_string();
    shorter.hash = fake_hash(&shorter.body);
    other.apply(std::slice::from_ref(&shorter), &[]).expect("edit elsewhere");
    assert_scores_are_bm25s(&test.store);
}

/// Every hit's score is FTS5's bm25 with the table's weights, and hits come best first.
fn assert_scores_are_bm25s(store: &Store) {
    for query in ["drift ", "seasonality drift ", "monitoring ", "season"] {
        let ours = store.search(query, 100).expect("search");
        let fts_query = super::search::fts_query(query).expect("query");
        let mut statement = store
            .conn
            .prepare(
                "SELECT d.rel_path, bm25(documents_fts, 10.0, 6.0, 4.0, 2.0, 1.0) FROM documents_fts
                 JOIN documents AS d ON d.doc_rowid = documents_fts.rowid WHERE documents_fts MATCH ?1",
            )
            .expect("prepare");
        let theirs: std::collections::HashMap<String, f64> = statement
            .query_map([&fts_query], |row| Ok((row.get(0)?, row.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(ours.len(), theirs.len(), "{query}");
        assert!(ours.len() >= 4, "{query}");
        for hit in &ours {
            // Search hits carry the score with higher = better.
            let expected = -theirs[&hit.rel_path];
            assert!((hit.rank - expected).abs() < 1e-9, "{query}: {} {} vs {expected}", hit.rel_path, hit.rank);
            assert!(hit.rank > 1e-3, "{query}: a real IDF, not the clamp");
        }
        assert!(ours.windows(2).all(|pair| pair[0].rank >= pair[1].rank), "{query}: best first");
    }
}

#[test]
fn a_long_prefix_is_spelled_out_as_the_index_terms_it_stands_for() {
    let mut test = open_test_store();
    let bodies = ["The database migration.", "A dataset card.", "Raw data only.", "The date of release.", "Databases."];
    let documents: Vec<IndexedDocument> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| document(&format!("d{i}.md"), &format!("d{i}"), "Note", body))
        .collect();
    test.store.apply(&documents, &[]).expect("apply");
    // `databas` (the stem of database) stems further as a query word, so it stays a prefix
    // of its own; the others are asked for as themselves.
    assert_eq!(
        test.store.spelled_out_prefix("data", "\"data\"*").expect("spell"),
        Some("(\"data\" OR \"databas\"* OR \"dataset\")".to_string())
    );
    assert_eq!(
        test.store.spelled_out_prefix("raw Data", "\"raw\" \"Data\"*").expect("spell"),
        Some("\"raw\" AND (\"data\" OR \"databas\"* OR \"dataset\")".to_string())
    );
    // Within the prefix index's length, a finished word, or punctuation: left to FTS5.
    assert_eq!(test.store.spelled_out_prefix("dat", "\"dat\"*").expect("spell"), None);
    assert_eq!(test.store.spelled_out_prefix("data ", "\"data\"").expect("spell"), None);
    assert_eq!(test.store.spelled_out_prefix("data-set", "\"data-set\"*").expect("spell"), None);
    let mut found: Vec<String> =
        test.store.search("data", 10).expect("search").into_iter().map(|hit| hit.rel_path).collect();
    found.sort();
    assert_eq!(found, ["d0.md", "d1.md", "d2.md", "d4.md"]);
    // Typing past a stem: `routing` is indexed as `rout`, `escalation` as `escal`; every
    // prefix on the way to the word finds it (FTS5 alone found nothing for `routi`, `escalat`).
    let words = [("r.md", "The routing table."), ("e.md", "Escalation paths."), ("o.md", "Other text.")];
    let more: Vec<IndexedDocument> =
        words.iter().map(|(path, body)| document(path, path.trim_end_matches(".md"), "Note", body)).collect();
    test.store.apply(&more, &[]).expect("apply");
    for typed in ["rout", "routi", "routin", "routing", "Routing "] {
        let found: Vec<String> =
            test.store.search(typed, 10).expect("search").into_iter().map(|hit| hit.rel_path).collect();
        assert_eq!(found, ["r.md"], "{typed}");
    }
    for typed in ["esca", "escal", "escala", "escalat", "escalati", "escalatio", "escalation"] {
        let found: Vec<String> =
            test.store.search(typed, 10).expect("search").into_iter().map(|hit| hit.rel_path).collect();
        assert_eq!(found, ["e.md"], "{typed}");
    }
    assert!(test.store.search("routx", 10).expect("search").is_empty(), "a typo past the stem still finds nothing");
    // A prefix standing for more terms than are spelled out is left as it is, and finds them all.
    let many: Vec<IndexedDocument> = (0..20)
        .map(|i| {
            document(
                &format!("m{i}.md"),
                &format!("m{i}"),
                "Note",
                &format!("monitor{} here", char::from(b'a' + i as u8)),
            )
        })
        .collect();
    test.store.apply(&many, &[]).expect("apply");
    assert_eq!(test.store.spelled_out_prefix("monitor", "\"monitor\"*").expect("spell"), None);
    assert_eq!(test.store.search("monitor", 50).expect("search").len(), 20);
}

#[test]
fn search_limit_is_respected() {
    let mut test = open_test_store();
    test.store.apply(&sample_documents(), &[]).expect("apply");
    assert_eq!(test.store.search("fraud", 1).expect("search").len(), 1);
}

#[test]
fn reapplying_the_same_hash_adds_no_revision() {
    let mut test = open_test_store();
    let documents = sample_documents();
    test.store.apply(&documents, &[]).expect("apply");
    test.store.apply(&documents, &[]).expect("apply again");
    let revisions = test.store.revisions("requirements/latency.md").expect("revisions");
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].origin, "seen");
    assert_eq!(revisions[0].hash, documents[2].hash);
    assert_eq!(test.store.document_count().expect("count"), 3);
    // The full-text index holds one row per document, not one per apply.
    assert_eq!(test.store.search("latency", 10).expect("search").len(), 1);
}

#[test]
fn a_changed_hash_adds_one_revision_and_replaces_the_text() {
    let mut test = open_test_store();
    let original = document("notes.md", "notes", "Notes", "The old wording about drift.");
    test.store.apply(std::slice::from_ref(&original), &[]).expect("apply");
    let changed = document("notes.md", "notes", "Notes", "The new wording about seasonality.");
    test.store.apply(std::slice::from_ref(&changed), &[]).expect("apply changed");

    let revisions = test.store.revisions("notes.md").expect("revisions");
    assert_eq!(revisions.len(), 2);
    // Newest first.
    assert_eq!(revisions[0].hash, changed.hash);
    assert_eq!(revisions[1].hash, original.hash);
    assert_eq!(
        test.store.revision_content("notes.md", &original.hash).expect("content").as_deref(),
        Some(original.content.as_str())
    );
    assert_eq!(test.store.revision_content("notes.md", "sha256:unknown").expect("content"), None);

    assert!(test.store.search("drift ", 10).expect("search").is_empty());
    assert_eq!(test.store.search("seasonality", 10).expect("search").len(), 1);
    assert_eq!(test.store.file_states().expect("states")["notes.md"].hash, changed.hash);
}

#[test]
fn removed_documents_leave_list_and_search_but_keep_revisions() {
    let mut test = open_test_store();
    test.store.apply(&sample_documents(), &[]).expect("apply");
    let removed = vec!["requirements/latency.md".to_string(), "never/indexed.md".to_string()];
    test.store.apply(&[], &removed).expect("remove");

    assert_eq!(test.store.document_count().expect("count"), 2);
    let listed = test.store.list(&ListFilter::default()).expect("list");
    assert!(listed.iter().all(|row| row.rel_path != "requirements/latency.md"));
    assert!(test.store.search("latency", 10).expect("search").is_empty());
    assert!(test.store.document_by_id("latency").expect("by id").is_empty());
    assert!(!test.store.file_states().expect("states").contains_key("requirements/latency.md"));
    assert_eq!(test.store.revisions("requirements/latency.md").expect("revisions").len(), 1);
}

#[test]
fn record_written_is_idempotent_per_path_and_hash() {
    let mut test = open_test_store();
    let content = "---\nid: x\n---\nbody\n";
    let hash = fake_hash(content);
    test.store.record_written("x.md", content, &hash, content.len() as u64).expect("record");
    test.store.record_written("x.md", content, &hash, content.len() as u64).expect("record again");
    let revisions = test.store.revisions("x.md").expect("revisions");
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].origin, "written");
    assert_eq!(test.store.revision_content("x.md", &hash).expect("content").as_deref(), Some(content));
}

#[test]
fn hostile_search_input_never_fails() {
    let mut test = open_test_store();
    test.store.apply(&sample_documents(), &[]).expect("apply");
    let hostile = [
        "\"",
        "*",
        "AND(",
        "-",
        ":",
        "AND",
        "OR",
        "NOT",
        "NEAR(",
        "fraud AND(",
        "\"fraud",
        "fraud\"",
        "title:fraud",
        "-fraud",
        "^fraud",
        "fraud*",
        "(",
        ")",
        "{title}: x",
        "'",
        "+",
        "\\",
        "\u{2}",
        "🦀",
        "é",
        "",
        "  ",
        "fraud OR",
        "a\"b\"c",
        "NEAR(fraud api, 2)",
    ];
    for query in hostile {
        let result = test.store.search(query, 10);
        assert!(result.is_ok(), "query {query:?} failed: {result:?}");
    }
    // Operators are plain words, not syntax.
    assert_eq!(test.store.search("title:fraud", 10).expect("search").len(), 0);
    // "fraud" is in every sample's field text; the minus is not a NOT.
    assert_eq!(test.store.search("-fraud ", 10).expect("search").len(), 3);
}

#[test]
fn the_last_term_matches_as_a_prefix() {
    let mut test = open_test_store();
    test.store.apply(&sample_documents(), &[]).expect("apply");
    let hits = test.store.search("recal", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, "fraud-scoring-requirements");
    let hits = test.store.search("fraud sco", 10).expect("search");
    assert_eq!(hits.len(), 2);
    // Only the last term is a prefix.
    assert!(test.store.search("sco fraud", 10).expect("search").is_empty());
    // Ids with punctuation match as a phrase.
    let hits = test.store.search("fraud-scoring-api", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, "fraud-scoring-api");
}

#[test]
fn reopening_keeps_the_data() {
    let folder = tempfile::tempdir().expect("tempdir");
    let db_path = folder.path().join("seam.db");
    {
        let mut store = Store::open_at(&db_path).expect("open");
        store.apply(&sample_documents(), &[]).expect("apply");
    }
    let store = Store::open_at(&db_path).expect("reopen");
    assert_eq!(store.path(), db_path);
    assert_eq!(store.document_count().expect("count"), 3);
    assert_eq!(store.search("holdout", 10).expect("search").len(), 1);
}

fn journal_mode(store: &Store) -> String {
    store.conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)).expect("journal_mode")
}

#[test]
fn a_new_database_is_built_without_the_log_then_switched_to_wal_and_unmarked() {
    let folder = tempfile::tempdir().expect("tempdir");
    let db_path = folder.path().join("seam.db");
    let marker = folder.path().join("seam.db-building");
    let mut store = Store::open_at(&db_path).expect("open");
    assert!(marker.exists(), "a fresh build is marked while it runs");
    assert_eq!(journal_mode(&store), "off");
    store.apply(&sample_documents(), &[]).expect("apply");
    store.finish_fresh_build().expect("finish");
    assert!(!marker.exists());
    assert_eq!(journal_mode(&store), "wal");
    store.apply(&sample_documents()[..1], &[]).expect("a write in WAL mode");
    drop(store);

    // An existing database opens in WAL mode directly, unmarked.
    let store = Store::open_at(&db_path).expect("reopen");
    assert!(!marker.exists());
    assert_eq!(journal_mode(&store), "wal");
    assert_eq!(store.document_count().expect("count"), 3);
}

#[test]
fn a_store_closed_before_finishing_its_build_finishes_it_when_every_write_completed() {
    let folder = tempfile::tempdir().expect("tempdir");
    let db_path = folder.path().join("seam.db");
    {
        let mut store = Store::open_at(&db_path).expect("open");
        store.apply(&sample_documents(), &[]).expect("apply");
        // Dropped without finish_fresh_build, as by a command that wrote without indexing.
    }
    assert!(!folder.path().join("seam.db-building").exists());
    let store = Store::open_at(&db_path).expect("reopen");
    assert_eq!(journal_mode(&store), "wal");
    assert_eq!(store.document_count().expect("count"), 3);
}

#[test]
fn an_index_run_that_fails_during_a_build_leaves_it_to_be_started_again() {
    let folder = tempfile::tempdir().expect("tempdir");
    let db_path = folder.path().join("seam.db");
    let documents = sample_documents();
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut store = Store::open_at(&db_path).expect("open");
        // The second batch never comes: the run panics half-way, with rows written and no
        // journal to roll them back.
        let batches = [Some(&documents[..2]), None]
            .into_iter()
            .map(|batch| batch.unwrap_or_else(|| panic!("parsing failed half-way")));
        let _ = store.apply_batches(batches, &[]);
    }));
    assert!(failed.is_err());
    assert!(folder.path().join("seam.db-building").exists(), "the unfinished build stays marked");
    let mut store = Store::open_at(&db_path).expect("reopen");
    assert_eq!(store.document_count().expect("count"), 0, "the next open starts over");
    store.apply(&documents, &[]).expect("apply");
    store.finish_fresh_build().expect("finish");
    assert_eq!(store.document_count().expect("count"), 3);
}

#[test]
fn a_build_killed_half_way_is_thrown_away_and_started_again() {
    let folder = tempfile::tempdir().expect("tempdir");
    let db_path = folder.path().join("seam.db");
    // What a killed build leaves: its marker, and a database that may be torn.
    std::fs::write(&db_path, b"SQLite format 3\0 torn half way").expect("torn database");
    std::fs::write(folder.path().join("seam.db-journal"), b"").expect("journal");
    std::fs::write(folder.path().join("seam.db-building"), b"").expect("marker");
    let mut store = Store::open_at(&db_path).expect("the torn database is replaced");
    assert!(!folder.path().join("seam.db-journal").exists());
    assert_eq!(store.document_count().expect("count"), 0);
    store.apply(&sample_documents(), &[]).expect("apply");
    store.finish_fresh_build().expect("finish");
    assert!(!folder.path().join("seam.db-building").exists());
    assert_eq!(store.search("holdout", 10).expect("search").len(), 1);
}

#[test]
fn a_second_open_waits_for_the_build_in_progress_instead_of_discarding_it() {
    let folder = tempfile::tempdir().expect("tempdir");
    let db_path = folder.path().join("seam.db");
    let mut builder = Store::open_at(&db_path).expect("open");
    builder.apply(&sample_documents(), &[]).expect("apply");
    let (opened, waiting) = std::sync::mpsc::channel();
    let second = {
        let db_path = db_path.clone();
        std::thread::spawn(move || {
            let store = Store::open_at(&db_path).expect("second open");
            opened.send(()).expect("send");
            store.document_count().expect("count")
        })
    };
    assert!(
        waiting.recv_timeout(std::time::Duration::from_millis(300)).is_err(),
        "the second open must wait while the database is being built"
    );
    builder.finish_fresh_build().expect("finish");
    assert_eq!(second.join().expect("second thread"), 3, "the second open sees the finished build");
}

#[test]
fn open_for_project_never_writes_into_the_project() {
    let project = tempfile::tempdir().expect("tempdir");
    let store = Store::open_for_project(project.path()).expect("open");
    let canonical_root = project.path().canonicalize().expect("canonical");
    assert!(!store.path().starts_with(&canonical_root));
    assert!(store.path().exists());
    let entries = std::fs::read_dir(project.path()).expect("read dir").count();
    assert_eq!(entries, 0);
    // Don't leave a stray database in the developer's data folder.
    let db_folder = store.path().parent().map(std::path::Path::to_path_buf);
    drop(store);
    if let Some(db_folder) = db_folder {
        std::fs::remove_dir_all(db_folder).expect("clean up");
    }
}

#[test]
fn history_is_content_addressed_and_compressed() {
    let mut test = open_test_store();
    // A realistic document: repetitive Markdown compresses well.
    let body = "The scorer must answer within the latency budget for every transaction.\n".repeat(60);
    let original = document("notes.md", "notes", "Notes", &body);
    test.store.apply(std::slice::from_ref(&original), &[]).expect("apply");
    // The same content under a second path (a copy) is stored once.
    let mut copy = original.clone();
    copy.rel_path = "copy/notes.md".to_string();
    copy.id = "notes-copy".to_string();
    test.store.apply(std::slice::from_ref(&copy), &[]).expect("apply copy");

    let stats = test.store.history_stats().expect("stats");
    assert_eq!(stats.revisions, 2);
    assert_eq!(stats.blobs, 1);
    assert_eq!(stats.content_bytes, original.content.len() as u64);
    assert!(
        stats.stored_bytes * 5 < stats.content_bytes,
        "stored {} of {} bytes",
        stats.stored_bytes,
        stats.content_bytes
    );
    assert_eq!(
        test.store.revision_content("copy/notes.md", &original.hash).expect("content").as_deref(),
        Some(original.content.as_str())
    );
    // A hash is only a revision of the paths it was seen at.
    assert_eq!(test.store.revision_content("other.md", &original.hash).expect("content"), None);
}

#[test]
fn retention_keeps_thirty_days_and_always_the_newest_revision_of_each_path() {
    let mut test = open_test_store();
    let day_ms = 24 * 60 * 60 * 1000_i64;
    let versions: Vec<IndexedDocument> =
        (0..4).map(|n| document("notes.md", "notes", "Notes", &format!("Version {n} of the notes.\n"))).collect();
    let lonely = document("old/only.md", "only", "Only", "The one version of an old file.\n");
    for document in versions.iter().chain([&lonely]) {
        test.store.apply(std::slice::from_ref(document), &[]).expect("apply");
    }
    // Ages: versions 0 and 1 are 45 and 31 days old, 2 is 29 days old, 3 is new; the lonely
    // file's only version is 400 days old.
    let now = super::database::unix_time_ms();
    for (hash, age_days) in
        [(&versions[0].hash, 45), (&versions[1].hash, 31), (&versions[2].hash, 29), (&lonely.hash, 400)]
    {
        test.store
            .conn
            .execute("UPDATE revisions SET seen_at_ms = ?1 WHERE hash = ?2", params_from(now - age_days * day_ms, hash))
            .expect("age a revision");
    }

    let pruned = test.store.prune_history(now).expect("prune");
    assert_eq!(pruned, Pruned { revisions: 2, blobs: 2 });
    let kept: Vec<String> = test.store.revisions("notes.md").expect("revisions").into_iter().map(|r| r.hash).collect();
    assert_eq!(kept, vec![versions[3].hash.clone(), versions[2].hash.clone()]);
    assert_eq!(test.store.revision_content("notes.md", &versions[0].hash).expect("content"), None);
    assert_eq!(
        test.store.revision_content("old/only.md", &lonely.hash).expect("content").as_deref(),
        Some(lonely.content.as_str())
    );
    // Pruning again finds nothing more.
    assert_eq!(test.store.prune_history(now).expect("prune again"), Pruned::default());
}

fn params_from(at_ms: i64, hash: &str) -> (i64, String) {
    (at_ms, hash.to_string())
}

#[test]
fn version_one_history_is_migrated_into_blobs() {
    let folder = tempfile::tempdir().expect("tempdir");
    let path = folder.path().join("seam.db");
    let mut conn = rusqlite::Connection::open(&path).expect("open");
    MIGRATIONS.to_version(&mut conn, 1).expect("schema version 1");
    conn.execute(
        "INSERT INTO revisions (rel_path, hash, size, seen_at_ms, origin, content)
         VALUES ('a.md', 'sha256:aa', 9, 1, 'seen', 'version 1')",
        [],
    )
    .expect("a version-1 revision");
    drop(conn);

    let store = Store::open_at(&path).expect("migrate to the latest version");
    assert_eq!(store.revision_content("a.md", "sha256:aa").expect("content").as_deref(), Some("version 1"));
    assert_eq!(store.revisions("a.md").expect("revisions").len(), 1);
}

#[test]
fn the_background_checkpointer_moves_the_log_into_the_database_off_the_writers_path() {
    let folder = tempfile::tempdir().expect("tempdir");
    let db = folder.path().join("seam.db");
    let mut store = Store::open_at(&db).expect("open store");
    store.maintain_in_background().expect("start the checkpointer");
    let auto: i64 = store.conn.query_row("PRAGMA wal_autocheckpoint", [], |row| row.get(0)).expect("pragma");
    assert_eq!(auto, 0, "the writer no longer checkpoints itself");
    let before = std::fs::metadata(&db).expect("db").len();
    // About 6 MB of distinct content: well past SQLite's 1,000-page checkpoint mark.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for index in 0..60 {
        // Pseudo-random letters, so the compressed blobs stay large.
        let content: String = (0..100_000)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                char::from(b'a' + (seed % 26) as u8)
            })
            .collect();
        let content = format!("{index}\n{content}");
        let hash = crate::document::content_hash(content.as_bytes());
        store.record_written(&format!("notes/{index}.md"), &content, &hash, content.len() as u64).expect("write");
    }
    // Only the checkpointer can have moved the pages from the log into the database file.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let now = std::fs::metadata(&db).expect("db").len();
        if now > before + 1_000_000 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the database file stayed at {now} bytes (was {before})");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    drop(store); // stops the thread; must not hang
}

#[test]
fn version_five_search_index_is_refilled_by_the_next_index_run() {
    let folder = tempfile::tempdir().expect("tempdir");
    let root = folder.path().join("project");
    crate::example::init_project(&root, false).expect("an empty project");
    let text = "---\nid: a\nkind: requirements\ntitle: Recall floor\n---\nThe holdout set decides.\n";
    std::fs::write(root.join("a.md"), text).expect("write");
    let path = folder.path().join("seam.db");
    let mut conn = rusqlite::Connection::open(&path).expect("open");
    MIGRATIONS.to_version(&mut conn, 5).expect("schema version 5");
    // What version 5 held for that file (its size and mtime unchanged since).
    let project = crate::project::Project::open(&root).expect("project");
    let entry = project.disk_entries().into_iter().find(|entry| entry.rel_path == "a.md").expect("a.md");
    conn.execute(
        "INSERT INTO documents (doc_rowid, rel_path, id, kind, title, hash, size, mtime_ns, indexed_at_ms)
         VALUES (7, 'a.md', 'a', 'requirements', 'Recall floor', ?1, ?2, ?3, 1)",
        rusqlite::params![crate::document::content_hash(text.as_bytes()), entry.size as i64, entry.mtime_ns],
    )
    .expect("a version-5 row");
    conn.execute(
        "INSERT INTO documents_fts (rowid, title, id, tags, field_text, body)
         VALUES (7, 'Recall floor', 'a', '', '', 'The holdout set decides.')",
        [],
    )
    .expect("its version-5 full-text row");
    drop(conn);

    let mut store = Store::open_at(&path).expect("migrate to the latest version");
    // The new table starts empty and the migration marks every document to be read again…
    assert!(store.search("holdout", 10).expect("search").is_empty());
    let report = crate::project::index(&project, &mut store).expect("index");
    assert_eq!(report.parsed, 1, "the next index run reads the file again");
    assert!(report.changes.is_empty(), "the same content is not a change: {:?}", report.changes);
    // …which fills it, with the prefix indexes and the column weights.
    let hits = store.search("holdout", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert!(hits[0].snippet.contains("holdout"));
    assert_eq!(store.search("rec", 10).expect("search")[0].rel_path, "a.md");
    assert_eq!(store.revisions("a.md").expect("revisions").len(), 1, "no new revision for the same content");
}

/// (levels, segments) of the full-text index, from FTS5's structure record (row 10 of the
/// `_data` table: a 4-byte cookie, then the level and segment counts as SQLite varints).
fn fts_segments(store: &Store) -> (u64, u64) {
    let block: Vec<u8> = store
        .conn
        .query_row("SELECT block FROM documents_fts_data WHERE id = 10", [], |row| row.get(0))
        .expect("structure record");
    let mut at = 4;
    let mut varint = || {
        let mut value = 0u64;
        loop {
            let byte = block[at];
            at += 1;
            value = (value << 7) | u64::from(byte & 0x7f);
            if byte < 0x80 {
                return value;
            }
        }
    };
    (varint(), varint())
}

#[test]
fn the_background_maintenance_merges_full_text_segments_off_the_writers_path() {
    let mut test = open_test_store();
    // Writers that never merge themselves: every transaction below leaves one more segment.
    test.store
        .conn
        .execute_batch(
            "INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 0);
             INSERT INTO documents_fts (documents_fts, rank) VALUES ('crisismerge', 64);",
        )
        .expect("config");
    for index in 0..30 {
        let body = format!("Note number {index} about calibration.");
        test.store
            .apply(&[document(&format!("n{index}.md"), &format!("n{index}"), "Note", &body)], &[])
            .expect("apply");
    }
    let (_, segments_before) = fts_segments(&test.store);
    assert!(segments_before >= 30, "one segment per transaction, found {segments_before}");
    test.store.maintain_in_background().expect("start the maintenance");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while test.store.background_merging() {
        assert!(std::time::Instant::now() < deadline, "the background merges never finished");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let (levels, segments_after) = fts_segments(&test.store);
    assert!(segments_after <= levels, "{segments_after} segments on {levels} levels: levels of two were left unmerged");
    // Nothing was lost on the way.
    assert_eq!(test.store.search("calibration", 50).expect("search").len(), 30);
}
