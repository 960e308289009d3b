//! The local identity: the name (and role) recorded on sign-offs, item states, comments and
//! decisions. It is kept on this machine only — an explicit value, else the settings file the
//! caller keeps in its config folder (never inside a project), else `git config user.name`.

use std::path::Path;
use std::process::Command;

use super::NegotiationError;

/// Where the identity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentitySource {
    Explicit,
    Settings,
    Git,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    pub name: String,
    /// The role from the settings file, when it has one.
    pub role: Option<String>,
    pub source: IdentitySource,
}

/// The settings file (`identity.toml`): `name = "…"` and `role = "…"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct IdentitySettings {
    pub name: Option<String>,
    pub role: Option<String>,
}

/// Reads the settings file; a missing file is empty settings.
pub fn read_settings(path: &Path) -> Result<IdentitySettings, NegotiationError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(IdentitySettings::default()),
        Err(error) => return Err(NegotiationError::Identity(format!("{}: {error}", path.display()))),
    };
    toml::from_str(&text).map_err(|error| {
        let line = error.span().map(|span| text[..span.start].matches('\n').count() + 1);
        NegotiationError::Identity(format!(
            "{}{}: {}",
            path.display(),
            line.map(|line| format!(":{line}")).unwrap_or_default(),
            error.message()
        ))
    })
}

/// Writes the settings file atomically. Refused inside `project_root`: the identity belongs to
/// the person, not to the shared folder.
pub fn write_settings(
    path: &Path,
    settings: &IdentitySettings,
    project_root: Option<&Path>,
) -> Result<(), NegotiationError> {
    refuse_inside_project(path, project_root)?;
    let text = toml::to_string(settings).map_err(|error| NegotiationError::Identity(error.to_string()))?;
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .map_err(|error| NegotiationError::Identity(format!("{}: {error}", folder.display())))?;
    }
    crate::project::write_atomic(path, text.as_bytes(), None).map_err(|error| {
        NegotiationError::Identity(format!(
            "{}: {}",
            path.display(),
            match error {
                crate::project::WriteError::Io(error) => error.to_string(),
                crate::project::WriteError::Changed { .. } => "changed while writing".to_string(),
            }
        ))
    })
}

fn refuse_inside_project(path: &Path, project_root: Option<&Path>) -> Result<(), NegotiationError> {
    let Some(root) = project_root else { return Ok(()) };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let folder = path.parent().and_then(|folder| folder.canonicalize().ok()).unwrap_or_else(|| path.to_path_buf());
    if folder.starts_with(&root) {
        return Err(NegotiationError::Identity(format!(
            "{} is inside the project folder {}; identity settings are kept on this machine only",
            path.display(),
            root.display()
        )));
    }
    Ok(())
}

/// Resolves the identity: `explicit` (e.g. `--as`), else the settings file at `settings_file`,
/// else `git config user.name` as seen from `project_root` (so a repository's own setting wins).
pub fn resolve_identity(
    explicit: Option<&str>,
    settings_file: Option<&Path>,
    project_root: &Path,
) -> Result<Identity, NegotiationError> {
    let settings = match settings_file {
        Some(path) => {
            refuse_inside_project(path, Some(project_root))?;
            read_settings(path)?
        }
        None => IdentitySettings::default(),
    };
    let role = settings.role.clone().filter(|role| !role.trim().is_empty());
    if let Some(name) = explicit.map(str::trim).filter(|name| !name.is_empty()) {
        return Ok(Identity { name: name.to_string(), role, source: IdentitySource::Explicit });
    }
    if let Some(name) = settings.name.as_deref().map(str::trim).filter(|name| !name.is_empty()) {
        return Ok(Identity { name: name.to_string(), role, source: IdentitySource::Settings });
    }
    let from_git = Command::new("git")
        .args(["config", "user.name"])
        .current_dir(project_root)
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .filter(|name| !name.is_empty());
    match from_git {
        Some(name) => Ok(Identity { name, role, source: IdentitySource::Git }),
        None => Err(NegotiationError::Identity(format!(
            "who are you? give a name (--as NAME), set `name` in {}, or set `git config user.name`",
            settings_file.map_or_else(|| "the identity settings".to_string(), |path| path.display().to_string())
        ))),
    }
}

/// The settings file's name inside a config folder.
pub const SETTINGS_FILE: &str = "identity.toml";

/// The settings file the command line uses: `$SEAM_CONFIG_DIR/identity.toml` when that is set,
/// else the desktop app's config folder (`<OS config dir>/org.seam.app/identity.toml`, where
/// Tauri's `app_config_dir` is), so the CLI and the app share one identity.
pub fn default_settings_file() -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("SEAM_CONFIG_DIR").filter(|dir| !dir.is_empty()) {
        return Some(std::path::PathBuf::from(dir).join(SETTINGS_FILE));
    }
    directories::BaseDirs::new().map(|dirs| dirs.config_dir().join("org.seam.app").join(SETTINGS_FILE))
}
