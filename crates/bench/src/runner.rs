//! The end-to-end runner: measures every target of SPEC.md's table on a project folder (cold
//! index, reopen, change on disk → event, search, one-field edit durably saved, indexer peak
//! memory), the floor (reading every file once), and prints each figure next to its target.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use serde_json::{json, Value};

use seam_core::document::edit::{Edit, NewValue};
use seam_core::project::{self, Project, SaveRequest};
use seam_core::store::Store;
use seam_core::sync::{ChangeKind, WatchMode};

use crate::generate::Rng;

/// How many samples each measurement takes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Cold index runs (each in a fresh child process with an empty database).
    pub cold_runs: usize,
    pub reopen_runs: usize,
    pub event_samples: usize,
    pub search_queries: usize,
    pub edit_samples: usize,
    /// `seam set` whole-command runs through the CLI binary (0 to skip).
    pub cli_set_samples: usize,
    /// The `seam-bench` binary, run as a child for the cold index (`index-once`).
    pub bench_exe: PathBuf,
    /// The `seam` CLI binary, when available.
    pub seam_exe: Option<PathBuf>,
    /// Where databases and scratch files go.
    pub work_dir: PathBuf,
}

/// Which column of the SPEC table applies.
fn targets_for(documents: usize) -> (&'static str, Targets) {
    if documents <= 10_000 {
        (
            "10k",
            Targets {
                cold_index_ms: 1500.0,
                reopen_ms: 50.0,
                event_p95_ms: 100.0,
                search_p99_ms: 5.0,
                edit_p99_ms: 30.0,
                peak_mib: 60.0,
            },
        )
    } else {
        (
            "100k",
            Targets {
                cold_index_ms: 20_000.0,
                reopen_ms: 500.0,
                event_p95_ms: 100.0,
                search_p99_ms: 30.0,
                edit_p99_ms: 30.0,
                peak_mib: 250.0,
            },
        )
    }
}

#[derive(Debug, Clone, Copy)]
struct Targets {
    cold_index_ms: f64,
    reopen_ms: f64,
    event_p95_ms: f64,
    search_p99_ms: f64,
    edit_p99_ms: f64,
    peak_mib: f64,
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: &'static str,
    pub value: f64,
    pub unit: &'static str,
    /// The SPEC target (the figure must be at or below it), when the SPEC sets one.
    pub target: Option<f64>,
    /// The figure divided by the floor (reading every file once), when that comparison means something.
    pub ratio_to_floor: Option<f64>,
    pub note: String,
}

impl Figure {
    pub fn met(&self) -> Option<bool> {
        self.target.map(|target| self.value <= target)
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    /// 1-minute load average before and after the run.
    pub load: (Option<f64>, Option<f64>),
    pub documents: usize,
    pub bytes: u64,
    pub column: &'static str,
    pub figures: Vec<Figure>,
}

impl Report {
    pub fn to_json(&self) -> Value {
        json!({
            "documents": self.documents,
            "bytes": self.bytes,
            "targets": self.column,
            "load_average": [self.load.0, self.load.1],
            "figures": self.figures.iter().map(|figure| json!({
                "name": figure.name,
                "value": figure.value,
                "unit": figure.unit,
                "target": figure.target,
                "met": figure.met(),
                "ratio_to_floor": figure.ratio_to_floor,
                "note": figure.note,
            })).collect::<Vec<_>>(),
        })
    }

    /// The human table: figure, target, verdict, ratio to the floor.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} documents, {:.1} MB; targets: SPEC.md column {}; load average {} before, {} after ({} cores)\n\n{:<34} {:>12} {:>12}  {:<6} {:>9}  {}\n",
            self.documents,
            self.bytes as f64 / 1e6,
            self.column,
            self.load.0.map_or_else(|| "?".to_string(), |load| format!("{load:.1}")),
            self.load.1.map_or_else(|| "?".to_string(), |load| format!("{load:.1}")),
            std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
            "measure",
            "value",
            "target",
            "",
            "x floor",
            "note"
        );
        for figure in &self.figures {
            let value = format!("{:.2} {}", figure.value, figure.unit);
            let target = figure.target.map_or_else(String::new, |target| format!("≤ {target} {}", figure.unit));
            let verdict = match figure.met() {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            let ratio = figure.ratio_to_floor.map_or_else(String::new, |ratio| format!("{ratio:.1}x"));
            out.push_str(&format!(
                "{:<34} {:>12} {:>12}  {:<6} {:>9}  {}\n",
                figure.name, value, target, verdict, ratio, figure.note
            ));
        }
        out
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The value at quantile `q` (0..=1) of `samples` (nearest rank).
pub fn quantile(samples: &[f64], q: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Peak resident memory of this process so far (VmHWM), in KiB, where the OS reports it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system, every thread) this process has used so far, in milliseconds, where
/// the OS reports it. On a loaded machine it shows the work done, apart from waiting.
pub fn cpu_ms() -> Option<f64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    // Linux reports clock ticks of 10 ms (USER_HZ = 100) on every mainstream architecture.
    Some((user + system) * 10.0)
}

/// CPU time of the calling thread so far, in nanoseconds (Linux's scheduler statistics).
pub fn thread_cpu_ns() -> Option<u64> {
    let stat = fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// The 1-minute load average: how busy the machine was while the figures were taken.
pub fn load_average() -> Option<f64> {
    fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

/// What `seam-bench index-once` prints: one cold (or warm) index run in its own process.
pub fn index_once(root: &Path, db: &Path) -> Result<Value> {
    let started = Instant::now();
    let project = Project::open(root)?;
    let mut store = Store::open_at(db)?;
    let report = project::index(&project, &mut store)?;
    let elapsed = started.elapsed();
    Ok(json!({
        "millis": millis(elapsed),
        "files": report.files,
        "parsed": report.parsed,
        "issues": report.issues.len(),
        "peak_rss_kib": peak_rss_kib(),
        "cpu_ms": cpu_ms(),
    }))
}

/// Reads every document file once (walk + read, on every core): the least any indexer must do.
fn floor_read(project: &Project) -> (Duration, u64) {
    let started = Instant::now();
    let paths = project.document_paths();
    let bytes: u64 =
        paths.par_iter().map(|rel| fs::read(project.root.join(rel)).map_or(0, |bytes| bytes.len() as u64)).sum();
    (started.elapsed(), bytes)
}

/// Walks the folder and looks at every file's size and mtime: the least a reopen must do.
fn floor_stat(project: &Project) -> Duration {
    let started = Instant::now();
    let entries = project.disk_entries();
    std::hint::black_box(entries.len());
    started.elapsed()
}

/// Documents that parse cleanly, for edits and watcher samples.
fn clean_documents(project: &Project, count: usize, rng: &mut Rng) -> Vec<String> {
    let paths = project.document_paths();
    let mut chosen = Vec::new();
    let mut attempts = 0;
    while chosen.len() < count && attempts < count * 20 && !paths.is_empty() {
        attempts += 1;
        let rel = rng.pick(&paths).clone();
        if chosen.contains(&rel) {
            continue;
        }
        if let Ok(document) = project.read_document(&rel) {
            if !document.read_only && document.issues.is_empty() && document.status().is_some() {
                chosen.push(rel);
            }
        }
    }
    chosen
}

/// A realistic query mix drawn from the documents themselves: finished words (frequent ones
/// come up as often as they occur), words being typed (prefixes), two-word queries, ids.
pub fn queries(project: &Project, count: usize, rng: &mut Rng) -> Vec<String> {
    let paths = project.document_paths();
    let mut out = Vec::new();
    let mut attempts = 0;
    while out.len() < count && attempts < count * 20 && !paths.is_empty() {
        attempts += 1;
        let rel_path: &String = rng.pick(&paths);
        let Ok(document) = project.read_document(rel_path) else { continue };
        if document.read_only {
            continue;
        }
        let words: Vec<&str> = document
            .body()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.len() >= 4 && word.chars().all(char::is_alphabetic))
            .collect();
        if words.is_empty() {
            continue;
        }
        let word = rng.pick(&words).to_lowercase();
        let query = match rng.below(10) {
            0..=3 => format!("{word} "),
            4 | 5 => word.chars().take(3 + rng.index(3)).collect(),
            6 | 7 => format!("{} {word}", rng.pick(&words).to_lowercase()),
            8 => format!("{} ", document.id),
            _ => format!("{word} {}", document.title().split_whitespace().next().unwrap_or("model").to_lowercase()),
        };
        out.push(query);
    }
    out
}

/// Wall and thread-CPU milliseconds of each query, in the order of the queries.
pub struct SearchTimes {
    pub wall: Vec<f64>,
    pub cpu: Vec<f64>,
}

impl SearchTimes {
    /// Keeps, per query, the faster of this timing and `other`'s (same queries, same order).
    pub fn keep_fastest(&mut self, other: SearchTimes) {
        for (kept, new) in self.wall.iter_mut().zip(other.wall) {
            *kept = kept.min(new);
        }
        for (kept, new) in self.cpu.iter_mut().zip(other.cpu) {
            *kept = kept.min(new);
        }
    }

    /// The `count` slowest of `queries` (as timed), slowest first.
    pub fn slowest<'a>(&self, queries: &'a [String], count: usize) -> Vec<(f64, &'a str)> {
        let mut timed: Vec<(f64, &str)> = self.wall.iter().copied().zip(queries.iter().map(String::as_str)).collect();
        timed.sort_by(|a, b| b.0.total_cmp(&a.0));
        timed.truncate(count);
        timed
    }
}

/// Times each query of `queries` once (limit 20, as the app asks), after one untimed pass over
/// all of them so the database pages are cached for every query alike.
pub fn time_searches(store: &Store, queries: &[String]) -> Result<SearchTimes> {
    for query in queries {
        store.search(query, 20)?;
    }
    let mut times = SearchTimes { wall: Vec::new(), cpu: Vec::new() };
    for query in queries {
        let cpu_before = thread_cpu_ns();
        let started = Instant::now();
        let hits = store.search(query, 20)?;
        let elapsed = millis(started.elapsed());
        if let (Some(before), Some(after)) = (cpu_before, thread_cpu_ns()) {
            times.cpu.push(after.saturating_sub(before) as f64 / 1e6);
        }
        std::hint::black_box(hits.len());
        times.wall.push(elapsed);
    }
    Ok(times)
}

/// `seam-bench search`: the query mix of [`run`] (same seed), timed on `db`, with the slowest
/// queries and their hit counts.
pub fn search_profile(root: &Path, db: &Path, count: usize, merged: bool, repeat: usize) -> Result<()> {
    let project = Project::open(root)?;
    if !db.exists() {
        println!("indexing {} into {}", root.display(), db.display());
        index_once(root, db)?;
    }
    let mut store = Store::open_at(db)?;
    if merged {
        store.maintain_in_background()?;
        let started = Instant::now();
        while store.background_merging() {
            std::thread::sleep(Duration::from_millis(20));
        }
        println!("full-text merges: {:.1} s", started.elapsed().as_secs_f64());
    }
    let query_list = queries(&project, count, &mut Rng::new(0x5EA3));
    let mut times = time_searches(&store, &query_list)?;
    for _ in 1..repeat {
        times.keep_fastest(time_searches(&store, &query_list)?);
    }
    println!(
        "{} queries: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms (CPU p50 {:.2} ms, p99 {:.2} ms)",
        query_list.len(),
        quantile(&times.wall, 0.5),
        quantile(&times.wall, 0.9),
        quantile(&times.wall, 0.99),
        quantile(&times.cpu, 0.5),
        quantile(&times.cpu, 0.99)
    );
    for (millis, query) in times.slowest(&query_list, 20) {
        println!("{millis:8.2} ms  {query:?}");
    }
    Ok(())
}

/// Runs every measurement on the project at `root`.
pub fn run(root: &Path, options: &RunOptions) -> Result<Report> {
    let load_before = load_average();
    let project = Project::open(root)?;
    let documents = project.document_paths().len();
    let (column, targets) = targets_for(documents);
    let mut figures = Vec::new();
    fs::create_dir_all(&options.work_dir)?;

    // The floor, warm: the files are in the page cache for the floor and for Seam alike.
    floor_read(&project);
    let (floor, bytes) = (0..3).map(|_| floor_read(&project)).min_by_key(|(elapsed, _)| *elapsed).unwrap_or_default();
    let floor_ms = millis(floor);
    figures.push(Figure {
        name: "floor: read every file once",
        value: floor_ms,
        unit: "ms",
        target: None,
        ratio_to_floor: Some(1.0),
        note: format!(
            "{:.0} MB/s on {} threads",
            bytes as f64 / 1e6 / floor.as_secs_f64(),
            rayon::current_num_threads()
        ),
    });
    let stat_floor_ms = (0..3).map(|_| millis(floor_stat(&project))).fold(f64::INFINITY, f64::min);
    figures.push(Figure {
        name: "floor: stat every file once",
        value: stat_floor_ms,
        unit: "ms",
        target: None,
        ratio_to_floor: Some(stat_floor_ms / floor_ms),
        note: "walk + size/mtime, the least a reopen does".to_string(),
    });

    // Cold index, each run in a fresh process with an empty database.
    let db = options.work_dir.join("bench.db");
    let mut cold = Vec::new();
    let mut cold_cpu = Vec::new();
    let mut peak_kib = 0u64;
    for run in 0..options.cold_runs.max(1) {
        remove_database(&db);
        let output = Command::new(&options.bench_exe)
            .args(["index-once", "--root"])
            .arg(root)
            .arg("--db")
            .arg(&db)
            .output()
            .with_context(|| format!("running {}", options.bench_exe.display()))?;
        if !output.status.success() {
            bail!("cold index run {run} failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        let value: Value = serde_json::from_slice(&output.stdout).context("index-once output")?;
        cold.push(value["millis"].as_f64().ok_or_else(|| anyhow!("index-once gave no millis"))?);
        peak_kib = peak_kib.max(value["peak_rss_kib"].as_u64().unwrap_or(0));
        if let Some(cpu) = value["cpu_ms"].as_f64() {
            cold_cpu.push(cpu);
        }
    }
    let cold_ms = quantile(&cold, 0.5);
    figures.push(Figure {
        name: "cold index (empty database)",
        value: cold_ms,
        unit: "ms",
        target: Some(targets.cold_index_ms),
        ratio_to_floor: Some(cold_ms / floor_ms),
        note: format!(
            "median of {} runs, min {:.0} max {:.0}; CPU {:.0} ms",
            cold.len(),
            quantile(&cold, 0.0),
            quantile(&cold, 1.0),
            quantile(&cold_cpu, 0.5)
        ),
    });
    figures.push(Figure {
        name: "indexer peak memory",
        value: peak_kib as f64 / 1024.0,
        unit: "MiB",
        target: Some(targets.peak_mib),
        ratio_to_floor: None,
        note: "VmHWM of the cold-index process".to_string(),
    });

    // Reopen with nothing changed: open the store and bring the index up to date.
    let mut reopen = Vec::new();
    let mut reopen_cpu = Vec::new();
    for _ in 0..options.reopen_runs.max(1) {
        let cpu_before = cpu_ms();
        let started = Instant::now();
        let mut store = Store::open_at(&db)?;
        let report = project::index(&project, &mut store)?;
        reopen.push(millis(started.elapsed()));
        if let (Some(before), Some(after)) = (cpu_before, cpu_ms()) {
            reopen_cpu.push(after - before);
        }
        if report.parsed != 0 {
            bail!("reopen read {} files although nothing changed", report.parsed);
        }
    }
    let reopen_ms = quantile(&reopen, 0.5);
    figures.push(Figure {
        name: "reopen, nothing changed",
        value: reopen_ms,
        unit: "ms",
        target: Some(targets.reopen_ms),
        ratio_to_floor: Some(reopen_ms / floor_ms),
        note: format!(
            "median of {} runs, max {:.1}; {:.1}x the stat floor; CPU {:.0} ms",
            reopen.len(),
            quantile(&reopen, 1.0),
            reopen_ms / stat_floor_ms,
            quantile(&reopen_cpu, 0.5)
        ),
    });

    let mut rng = Rng::new(0x5EA3);
    let mut store = Store::open_at(&db)?;
    // As the app's store does (src-tauri state.rs): checkpoints and full-text merges run off the
    // save's path.
    store.maintain_in_background()?;
    // Right after a large index run the first full-text levels hold megabytes; the maintenance
    // merges them in small steps for a few seconds (at 10k) and searches and saves are measured
    // once it is done, as a user's come after the app has indexed. How long that takes is a
    // figure.
    let merging_since = Instant::now();
    while store.background_merging() && merging_since.elapsed() < Duration::from_secs(600) {
        std::thread::sleep(Duration::from_millis(20));
    }
    figures.push(Figure {
        name: "full-text merges after the index",
        value: merging_since.elapsed().as_secs_f64() * 1000.0,
        unit: "ms",
        target: None,
        ratio_to_floor: None,
        note: "background, in steps; searches and saves are measured after".to_string(),
    });

    // Search.
    let query_list = queries(&project, options.search_queries, &mut rng);
    let times = time_searches(&store, &query_list)?;
    let worst =
        times.slowest(&query_list, 1).first().map(|(millis, query)| (*millis, query.to_string())).unwrap_or_default();
    // The same queries twice more, each query's fastest kept: what is left of the tail is
    // Seam's, not the machine's neighbours'. Shown next to the figure, which stays the single pass.
    let mut fastest = SearchTimes { wall: times.wall.clone(), cpu: times.cpu.clone() };
    for _ in 0..2 {
        fastest.keep_fastest(time_searches(&store, &query_list)?);
    }
    let SearchTimes { wall: search, cpu: search_cpu } = times;
    figures.push(Figure {
        name: "search p50",
        value: quantile(&search, 0.5),
        unit: "ms",
        target: None,
        ratio_to_floor: None,
        note: format!("{} queries, limit 20; CPU p50 {:.2} ms", search.len(), quantile(&search_cpu, 0.5)),
    });
    figures.push(Figure {
        name: "search p99",
        value: quantile(&search, 0.99),
        unit: "ms",
        target: Some(targets.search_p99_ms),
        ratio_to_floor: None,
        note: format!("CPU p99 {:.2} ms; slowest {:.1} ms: {:?}", quantile(&search_cpu, 0.99), worst.0, worst.1),
    });
    figures.push(Figure {
        name: "search p99, fastest of 3 per query",
        value: quantile(&fastest.wall, 0.99),
        unit: "ms",
        target: None,
        ratio_to_floor: None,
        note: format!("p50 {:.2} ms; the machine's noise taken out", quantile(&fastest.wall, 0.5)),
    });

    // One field edited and durably saved, through the path `seam set` uses (read, edit, atomic
    // durable write, store update).
    let editable = clean_documents(&project, options.edit_samples.clamp(1, 50), &mut rng);
    if editable.is_empty() {
        bail!("no clean document to edit in {}", root.display());
    }
    let mut edits = Vec::new();
    let mut edits_cpu = Vec::new();
    for sample in 0..options.edit_samples.max(1) {
        let rel_path = &editable[sample % editable.len()];
        let cpu_before = thread_cpu_ns();
        let started = Instant::now();
        let before = project.read_document(rel_path)?;
        let status = if before.status().as_deref() == Some("proposed") { "agreed" } else { "proposed" };
        let request = SaveRequest {
            rel_path: rel_path.clone(),
            base_hash: before.hash.clone(),
            edits: vec![Edit::Set { path: "status".to_string(), value: NewValue::Text(status.to_string()) }],
            body: None,
        };
        project::save(&project, Some(&mut store), &request)?;
        edits.push(millis(started.elapsed()));
        if let (Some(before), Some(after)) = (cpu_before, thread_cpu_ns()) {
            edits_cpu.push(after.saturating_sub(before) as f64 / 1e6);
        }
    }
    drop(store);
    figures.push(Figure {
        name: "edit one field, durably saved p50",
        value: quantile(&edits, 0.5),
        unit: "ms",
        target: None,
        ratio_to_floor: None,
        note: format!("{} saves; CPU p50 {:.2} ms", edits.len(), quantile(&edits_cpu, 0.5)),
    });
    figures.push(Figure {
        name: "edit one field, durably saved p99",
        value: quantile(&edits, 0.99),
        unit: "ms",
        target: Some(targets.edit_p99_ms),
        ratio_to_floor: None,
        note: format!(
            "read + edit + fsync'd atomic write + store update; CPU p99 {:.2} ms",
            quantile(&edits_cpu, 0.99)
        ),
    });

    // Change on disk -> change event, through the watcher the app and `seam watch` use.
    let events = measure_events(&project, &db, &editable, options.event_samples.max(1))?;
    figures.push(Figure {
        name: "change on disk -> event p50",
        value: quantile(&events, 0.5),
        unit: "ms",
        target: None,
        ratio_to_floor: None,
        note: format!("{} changes", events.len()),
    });
    figures.push(Figure {
        name: "change on disk -> event p95",
        value: quantile(&events, 0.95),
        unit: "ms",
        target: Some(targets.event_p95_ms),
        ratio_to_floor: None,
        note: "includes the watcher's 40 ms debounce".to_string(),
    });

    // The whole `seam set` command, process start and index update included.
    if let (Some(seam), true) = (&options.seam_exe, options.cli_set_samples > 0) {
        let data_dir = options.work_dir.join("cli-data");
        let _ = fs::remove_dir_all(&data_dir);
        let index = Command::new(seam).arg("-C").arg(root).arg("index").env("SEAM_DATA_DIR", &data_dir).output()?;
        if !index.status.success() {
            bail!("seam index failed: {}", String::from_utf8_lossy(&index.stderr));
        }
        let mut runs = Vec::new();
        for sample in 0..options.cli_set_samples {
            let rel_path = &editable[sample % editable.len()];
            let value = if sample % 2 == 0 { "draft" } else { "proposed" };
            let started = Instant::now();
            let output = Command::new(seam)
                .arg("-C")
                .arg(root)
                .args(["set", rel_path, "status", value])
                .env("SEAM_DATA_DIR", &data_dir)
                .output()?;
            runs.push(millis(started.elapsed()));
            if !output.status.success() {
                bail!("seam set failed: {}", String::from_utf8_lossy(&output.stderr));
            }
        }
        figures.push(Figure {
            name: "`seam set` whole command p50",
            value: quantile(&runs, 0.5),
            unit: "ms",
            target: None,
            ratio_to_floor: None,
            note: format!("{} runs; process start + index update + save", runs.len()),
        });
        figures.push(Figure {
            name: "`seam set` whole command p99",
            value: quantile(&runs, 0.99),
            unit: "ms",
            target: None,
            ratio_to_floor: None,
            note: String::new(),
        });
    }
    remove_database(&db);
    Ok(Report { load: (load_before, load_average()), documents, bytes, column, figures })
}

fn remove_database(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let _ = fs::remove_file(PathBuf::from(path));
    }
}

/// How long the runner waits for one change event.
const EVENT_DEADLINE: Duration = Duration::from_secs(30);

/// Appends a line to a document the way another program would (a plain write, not Seam's save)
/// and times how long until the watcher reports that file as changed.
fn measure_events(project: &Project, db: &Path, documents: &[String], samples: usize) -> Result<Vec<f64>> {
    let store = Mutex::new(Store::open_at(db)?);
    let stop = AtomicBool::new(false);
    let (sender, receiver) = mpsc::channel::<(Instant, Vec<seam_core::sync::Change>)>();
    std::thread::scope(|scope| -> Result<Vec<f64>> {
        let watcher = scope.spawn(|| {
            project::watch_project(project, &store, WatchMode::Native, &stop, move |changes| {
                let _ = sender.send((Instant::now(), changes));
            })
        });
        let result = (|| -> Result<Vec<f64>> {
            // The first report comes after the watcher's start-up index.
            receiver.recv_timeout(Duration::from_secs(600)).context("the watcher did not start")?;
            let mut latencies = Vec::new();
            for sample in 0..samples {
                let rel_path = &documents[sample % documents.len()];
                let path = project.root.join(rel_path);
                let mut text = fs::read_to_string(&path)?;
                text.push_str(&format!("\nA teammate's note, number {sample}.\n"));
                let written = Instant::now();
                fs::write(&path, text)?;
                let deadline = written + EVENT_DEADLINE;
                loop {
                    let left = deadline.saturating_duration_since(Instant::now());
                    let Ok((at, changes)) = receiver.recv_timeout(left) else {
                        // Counted at the deadline, so a missing event shows in the percentiles.
                        latencies.push(millis(EVENT_DEADLINE));
                        break;
                    };
                    if changes.iter().any(|change| change.kind == ChangeKind::Changed && &change.rel_path == rel_path) {
                        latencies.push(millis(at.duration_since(written)));
                        break;
                    }
                }
                // Let the event settle so samples do not coalesce.
                std::thread::sleep(Duration::from_millis(120));
                while receiver.try_recv().is_ok() {}
            }
            Ok(latencies)
        })();
        stop.store(true, Ordering::Relaxed);
        let watched = watcher.join().map_err(|_| anyhow!("the watcher thread panicked"))?;
        watched?;
        result
    })
}
