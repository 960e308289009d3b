//! Where a project's database lives: in the OS app-data folder (or `$SEAM_DATA_DIR`), keyed by
//! a hash of the project's canonical path — never inside the shared project folder.

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Store, StoreError};

/// Environment variable that overrides the data folder (tests, portable installs, benchmarks).
pub const DATA_DIR_ENV: &str = "SEAM_DATA_DIR";

/// File name of the database inside a project's data folder.
const DATABASE_FILE_NAME: &str = "seam.db";

impl Store {
    /// The database path for a project root:
    /// `<data dir>/projects/<first 16 hex of sha256(canonical root path)>/seam.db`, where
    /// `<data dir>` is `$SEAM_DATA_DIR` if set, else the OS app-data folder for Seam.
    /// Fails if the root does not exist or the data folder would be inside the project.
    pub fn database_path_for(root: &Path) -> Result<PathBuf, StoreError> {
        let data_dir = match std::env::var_os(DATA_DIR_ENV) {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => directories::ProjectDirs::from("org", "Seam", "Seam")
                .ok_or_else(|| StoreError::Io {
                    path: root.to_path_buf(),
                    source: io::Error::new(
                        io::ErrorKind::NotFound,
                        format!("no home folder to keep Seam's local data in; set {DATA_DIR_ENV} to a folder"),
                    ),
                })?
                .data_dir()
                .to_path_buf(),
        };
        database_path_in(&data_dir, root)
    }
}

/// The database path for `root` under an explicit data folder. Separate from
/// [`Store::database_path_for`] so tests need not touch process-wide environment variables.
pub(crate) fn database_path_in(data_dir: &Path, root: &Path) -> Result<PathBuf, StoreError> {
    let canonical_root = root.canonicalize().map_err(|source| StoreError::Io { path: root.to_path_buf(), source })?;
    let data_dir = absolute_data_dir(data_dir)?;
    if data_dir.starts_with(&canonical_root) {
        return Err(StoreError::Io {
            path: data_dir,
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the data folder is inside the project folder {}; Seam never writes its database into a shared folder, choose another {DATA_DIR_ENV}",
                    canonical_root.display()
                ),
            ),
        });
    }
    Ok(data_dir.join("projects").join(project_key(&canonical_root)).join(DATABASE_FILE_NAME))
}

/// First 16 hex digits of sha256 of the canonical root path: stable per folder, short, and
/// without any characters a file system could object to.
fn project_key(canonical_root: &Path) -> String {
    let digest = Sha256::digest(canonical_root.as_os_str().as_encoded_bytes());
    digest.iter().take(8).map(|byte| format!("{byte:02x}")).collect()
}

/// The data folder as an absolute path, resolved through symlinks when it already exists so the
/// inside-the-project check cannot be fooled by a link.
fn absolute_data_dir(data_dir: &Path) -> Result<PathBuf, StoreError> {
    let io_error = |source| StoreError::Io { path: data_dir.to_path_buf(), source };
    if data_dir.exists() {
        data_dir.canonicalize().map_err(io_error)
    } else {
        std::path::absolute(data_dir).map_err(io_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_path_for_is_outside_the_project_root() {
        let project = tempfile::tempdir().expect("tempdir");
        let db_path = Store::database_path_for(project.path()).expect("database path");
        let canonical_root = project.path().canonicalize().expect("canonical root");
        assert!(!db_path.starts_with(&canonical_root), "{}", db_path.display());
        assert!(!db_path.starts_with(project.path()), "{}", db_path.display());
        assert!(db_path.ends_with("seam.db"));
    }

    #[test]
    fn database_path_is_keyed_by_the_canonical_root() {
        let data = tempfile::tempdir().expect("tempdir");
        let project = tempfile::tempdir().expect("tempdir");
        let direct = database_path_in(data.path(), project.path()).expect("path");
        let dotted = database_path_in(data.path(), &project.path().join(".")).expect("path");
        assert_eq!(direct, dotted);
        let key = direct.parent().and_then(Path::file_name).and_then(|name| name.to_str()).expect("key folder");
        assert_eq!(key.len(), 16);
        assert!(key.chars().all(|c| c.is_ascii_hexdigit()));

        let other_project = tempfile::tempdir().expect("tempdir");
        let other = database_path_in(data.path(), other_project.path()).expect("path");
        assert_ne!(direct, other);
    }

    #[test]
    fn data_dir_inside_the_project_is_refused() {
        let project = tempfile::tempdir().expect("tempdir");
        let inside = project.path().join(".seam-data");
        assert!(database_path_in(&inside, project.path()).is_err());
    }
}
