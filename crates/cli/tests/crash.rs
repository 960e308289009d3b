//! Kills `seam set` at arbitrary instants, hundreds of times, and checks that the document on
//! disk is always either the old or the new version, complete and parseable — never torn.

use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seam_core::document::parse_document;

#[test]
fn a_save_killed_at_any_instant_leaves_the_old_or_the_new_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    let data = dir.path().join("data");
    seam_core::example::init_project(&root, true).expect("example");
    let rel_path = "contracts/ticket-routing-api.md";
    let path = root.join(rel_path);
    // A bigger body makes the write window wider, so more kills land inside it.
    let padding = "Padding paragraph so the file takes a while to write.\n".repeat(4000);
    fs::write(&path, format!("{}{padding}", fs::read_to_string(&path).expect("read"))).expect("pad");

    let seam = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_seam"))
            .arg("-C")
            .arg(&root)
            .args(args)
            .env("SEAM_DATA_DIR", &data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn seam")
    };
    let mut status = seam(&["index"]);
    status.wait().expect("index");

    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next_random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // Kill instants are drawn from the time a whole save takes on this machine right now, so the
    // kills land before, during and after the write however loaded the machine is.
    let timed = Instant::now();
    seam(&["set", "ticket-routing-api", "title", "Timing run"]).wait().expect("timing run");
    let full_save_micros = u64::try_from(timed.elapsed().as_micros()).unwrap_or(u64::MAX).max(1000);
    let mut current_title = parse_document(rel_path, &fs::read(&path).expect("read")).title();
    let (mut old_kept, mut new_written) = (0, 0);
    for round in 0..200 {
        let new_title = format!("Round {round} title");
        let mut child = seam(&["set", "ticket-routing-api", "title", &new_title]);
        let delay = Duration::from_micros(next_random() % (full_save_micros * 3 / 2));
        let started = Instant::now();
        while started.elapsed() < delay {
            if child.try_wait().expect("poll").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.kill();
        child.wait().expect("reap");

        let bytes = fs::read(&path).expect("the file always exists");
        let document = parse_document(rel_path, &bytes);
        assert!(
            !document.read_only && document.issues.is_empty(),
            "round {round}: torn or invalid file: {:?}",
            document.issues
        );
        assert!(document.body().ends_with(&padding), "round {round}: body truncated");
        let title = document.title();
        if title == new_title {
            new_written += 1;
        } else {
            assert_eq!(title, current_title, "round {round}: neither the old nor the new version");
            old_kept += 1;
        }
        current_title = title;
    }
    // Both outcomes happened, so the kills really landed on both sides of the write.
    assert!(old_kept > 0 && new_written > 0, "old kept {old_kept}, new written {new_written}");
}
