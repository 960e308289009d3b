//! Micro-benchmarks of the hot paths: parsing a document, editing one value, rendering a body,
//! and searching a 2,000-document store. `cargo bench -p seam-bench`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

use seam_core::document::edit::{set_value, NewValue};
use seam_core::document::parse_document;
use seam_core::project::{self, Project};
use seam_core::render::markdown_to_html;
use seam_core::store::Store;

/// The bundled example's biggest contract: a realistic, fully featured document.
const CONTRACT: &str = include_str!("../../../assets/example/contracts/ticket-routing-api.md");

fn parse(criterion: &mut Criterion) {
    criterion.bench_function("parse contract", |bench| {
        bench.iter(|| parse_document("contracts/ticket-routing-api.md", black_box(CONTRACT.as_bytes())))
    });
}

fn edit(criterion: &mut Criterion) {
    let document = parse_document("contracts/ticket-routing-api.md", CONTRACT.as_bytes());
    let value = NewValue::Text("proposed".to_string());
    criterion.bench_function("edit status", |bench| {
        bench.iter(|| set_value(black_box(&document), "status", &value).expect("edit"))
    });
    let nested = NewValue::from_cli("120");
    criterion.bench_function("edit sla.latency_p95_ms", |bench| {
        bench.iter(|| set_value(black_box(&document), "sla.latency_p95_ms", &nested).expect("edit"))
    });
}

fn render(criterion: &mut Criterion) {
    let document = parse_document("contracts/ticket-routing-api.md", CONTRACT.as_bytes());
    criterion.bench_function("render body", |bench| bench.iter(|| markdown_to_html(black_box(document.body()))));
}

fn search(criterion: &mut Criterion) {
    let folder = tempfile::tempdir().expect("tempdir");
    let root = folder.path().join("project");
    seam_bench::generate::generate(&root, 2_000, 42).expect("generate");
    let project = Project::open(&root).expect("project");
    let mut store = Store::open_at(&folder.path().join("seam.db")).expect("store");
    project::index(&project, &mut store).expect("index");
    let mut group = criterion.benchmark_group("search 2k documents");
    for query in ["latency ", "the ", "recal", "fraud scoring", "escalation-risk-feed-000001 "] {
        group.bench_function(query.trim(), |bench| bench.iter(|| store.search(black_box(query), 20).expect("search")));
    }
    group.finish();
}

criterion_group!(benches, parse, edit, render, search);
criterion_main!(benches);
