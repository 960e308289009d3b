//! `seam-bench`: generate a synthetic project, or measure Seam on one (docs/BENCHMARKS.md).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use seam_bench::generate::generate;
use seam_bench::runner::{self, RunOptions};

#[derive(Parser)]
#[command(name = "seam-bench", about = "Seam's benchmark harness")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a synthetic project of N documents into DIR (new or empty).
    Generate {
        dir: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        documents: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Measure every SPEC target on the project in DIR (generate one with --documents when DIR
    /// does not exist yet).
    Run {
        dir: PathBuf,
        /// Generate the project first if DIR does not exist.
        #[arg(long)]
        documents: Option<usize>,
        #[arg(long, default_value_t = 3)]
        cold_runs: usize,
        #[arg(long, default_value_t = 10)]
        reopen_runs: usize,
        #[arg(long, default_value_t = 60)]
        event_samples: usize,
        #[arg(long, default_value_t = 500)]
        search_queries: usize,
        #[arg(long, default_value_t = 200)]
        edit_samples: usize,
        #[arg(long, default_value_t = 20)]
        cli_set_samples: usize,
        /// The `seam` binary (default: next to this one, if built).
        #[arg(long)]
        seam: Option<PathBuf>,
        /// Folder for databases and scratch files (default: a temporary folder).
        #[arg(long)]
        work_dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Time the benchmark's search query mix on the project in DIR (indexed into DB first if
    /// DB does not exist) and list the slowest queries: for working on search alone.
    Search {
        dir: PathBuf,
        #[arg(long)]
        db: PathBuf,
        #[arg(long, default_value_t = 500)]
        queries: usize,
        /// Run the store's background maintenance (full-text merges) to the end first, as the
        /// app does after an index run.
        #[arg(long)]
        merged: bool,
        /// Time each query this many times and keep its fastest: steadier figures for comparing
        /// two versions on a busy machine (the `run` figures time each query once).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// One index run in this process, printed as JSON (the runner's child for cold indexes).
    #[command(hide = true)]
    IndexOnce {
        #[arg(long)]
        root: PathBuf,
        #[arg(long)]
        db: PathBuf,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate { dir, documents, seed } => {
            let started = std::time::Instant::now();
            let written = generate(&dir, documents, seed)?;
            println!(
                "Wrote {} documents ({} malformed) and {} comments, {:.1} MB, into {} in {:.1} s",
                written.documents,
                written.malformed,
                written.comments,
                written.bytes as f64 / 1e6,
                dir.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Run {
            dir,
            documents,
            cold_runs,
            reopen_runs,
            event_samples,
            search_queries,
            edit_samples,
            cli_set_samples,
            seam,
            work_dir,
            json,
        } => {
            if !dir.exists() {
                let documents = documents
                    .with_context(|| format!("{} does not exist; give --documents N to generate it", dir.display()))?;
                generate(&dir, documents, 42)?;
            }
            let bench_exe = std::env::current_exe()?;
            let seam_exe = seam.or_else(|| {
                let sibling = bench_exe.with_file_name(format!("seam{}", std::env::consts::EXE_SUFFIX));
                sibling.is_file().then_some(sibling)
            });
            let scratch = tempfile::tempdir()?;
            let options = RunOptions {
                cold_runs,
                reopen_runs,
                event_samples,
                search_queries,
                edit_samples,
                cli_set_samples,
                bench_exe,
                seam_exe,
                work_dir: work_dir.unwrap_or_else(|| scratch.path().to_path_buf()),
            };
            let report = runner::run(&dir, &options)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report.to_json())?);
            } else {
                print!("{}", report.to_text());
            }
            Ok(())
        }
        Command::Search { dir, db, queries, merged, repeat } => {
            runner::search_profile(&dir, &db, queries, merged, repeat)
        }
        Command::IndexOnce { root, db } => {
            println!("{}", runner::index_once(&root, &db)?);
            Ok(())
        }
    }
}
