//! A temporary copy of the example project and the real `seam` binary run on it, shared by the
//! command-line tests. Each test keeps its own local store (`SEAM_DATA_DIR`) and identity
//! settings (`SEAM_CONFIG_DIR`) in the temporary folder, and git's global and system settings are
//! out of reach, so nothing of the machine leaks in.

#![allow(dead_code)] // Each test file uses the part it needs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TempProject {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    pub data: PathBuf,
    pub config: PathBuf,
}

impl TempProject {
    /// `seam init --example` into a new temporary folder.
    pub fn example() -> TempProject {
        let dir = tempfile::tempdir().expect("tempdir");
        let project = TempProject {
            root: dir.path().join("project"),
            data: dir.path().join("data"),
            config: dir.path().join("config"),
            dir,
        };
        let output = project.run(Path::new("/"), &["init", project.root.to_str().expect("utf-8"), "--example"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        project
    }

    /// Runs `seam ARGS` in `cwd`.
    pub fn run(&self, cwd: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_seam"))
            .args(args)
            .current_dir(cwd)
            .env("SEAM_DATA_DIR", &self.data)
            .env("SEAM_CONFIG_DIR", &self.config)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("run seam")
    }

    /// Runs `seam -C <project> ARGS`.
    pub fn seam(&self, args: &[&str]) -> Output {
        let mut all = vec!["-C", self.root.to_str().expect("utf-8 path")];
        all.extend_from_slice(args);
        self.run(Path::new("/"), &all)
    }
}
