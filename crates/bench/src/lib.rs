//! seam-bench: the benchmark harness. `generate` writes synthetic projects of any size;
//! `runner` measures every speed target of SPEC.md on one and reports each figure next to its
//! target and as a ratio to the floor (reading every file once).

pub mod generate;
pub mod runner;
