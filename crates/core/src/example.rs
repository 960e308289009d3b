//! The bundled example project and the templates for each kind, embedded in the binary so
//! `seam init --example` and the app's "Open the example" work from any installation.

use std::fs;
use std::path::Path;

use include_dir::{include_dir, Dir};

use crate::document::Kind;
use crate::project::{write_atomic, Project, ProjectError, CONFIG_FILE};

static EXAMPLE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/example");
static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/templates");

/// The template for a kind, with `{{id}}` and `{{title}}` filled in.
pub fn template(kind: Kind, id: &str, title: &str) -> Option<String> {
    let file = TEMPLATES.get_file(format!("{}.md", kind.as_str()))?;
    let text = file.contents_utf8()?;
    let escape = |value: &str| value.replace('\\', "\\\\").replace('"', "\\\"");
    Some(text.replace("{{id}}", &escape(id)).replace("{{title}}", &escape(title)))
}

/// A document id from a title: lowercase ASCII letters and digits joined by single dashes
/// ("Churn model — requirements" → "churn-model-requirements"); `fallback` when nothing is left.
pub fn id_from_title(title: &str, fallback: &str) -> String {
    let mut id = String::new();
    for character in title.chars().flat_map(char::to_lowercase) {
        if character.is_ascii_alphanumeric() {
            id.push(character);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        fallback.to_string()
    } else {
        id.chars().take(64).collect::<String>().trim_end_matches('-').to_string()
    }
}

/// Creates a new document of `kind` from its template in the kind's folder, with an id made from
/// `title` (suffixed `-2`, `-3`… when a file of that name exists), and returns its path relative
/// to the project root. Never replaces an existing file.
pub fn create_document(project: &Project, kind: Kind, title: &str) -> Result<String, ProjectError> {
    let title = title.trim();
    let title = if title.is_empty() { "Untitled" } else { title };
    let base_id = id_from_title(title, &format!("new-{}", kind.as_str()));
    let folder = project.root.join(kind.folder());
    fs::create_dir_all(&folder).map_err(|source| ProjectError::Io { path: folder.display().to_string(), source })?;
    let (id, rel_path) = (1..1000)
        .map(|attempt| if attempt == 1 { base_id.clone() } else { format!("{base_id}-{attempt}") })
        .map(|id| {
            let rel_path = format!("{}/{id}.md", kind.folder());
            (id, rel_path)
        })
        .find(|(_, rel_path)| !project.root.join(rel_path).exists())
        .ok_or_else(|| ProjectError::NotEmpty { path: folder.join(format!("{base_id}.md")).display().to_string() })?;
    let text = template(kind, &id, title).ok_or_else(|| ProjectError::Invalid {
        rel_path: rel_path.clone(),
        message: format!("no template for {}", kind.as_str()),
    })?;
    // Resolve through the project so the path is confined like every other write.
    let path = project.resolve(&rel_path)?;
    write_new(&path, text.as_bytes())?;
    Ok(rel_path)
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).map(|mut entries| entries.next().is_none()).unwrap_or(false)
}

/// Creates a project in `dir` (which must be new or empty): the example project, or an empty
/// one with `seam.toml` and one folder per kind.
pub fn init_project(dir: &Path, example: bool) -> Result<(), ProjectError> {
    if dir.exists() && !is_empty_dir(dir) {
        return Err(ProjectError::NotEmpty { path: dir.display().to_string() });
    }
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| ProjectError::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    if example {
        write_tree(&EXAMPLE, dir)?;
        return Ok(());
    }
    let name = dir.file_name().map_or_else(|| "Seam project".to_string(), |name| name.to_string_lossy().into_owned());
    let config = format!(
        "[project]\nname = {}\ndescription = \"\"\n\n# Roles whose sign-off each kind of document needs before it counts as agreed.\n[signoff]\nrequirements = [\"product-owner\", \"data-scientist\"]\ncontract = [\"engineer\", \"data-scientist\"]\ndataset = [\"data-scientist\"]\n",
        toml_string(&name)
    );
    write_new(&dir.join(CONFIG_FILE), config.as_bytes())?;
    for kind in Kind::ALL {
        let folder = dir.join(kind.folder());
        fs::create_dir_all(&folder).map_err(io(&folder))?;
    }
    let discussions = dir.join("discussions");
    fs::create_dir_all(&discussions).map_err(io(&discussions))?;
    Ok(())
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), ProjectError> {
    write_atomic(path, bytes, None).map_err(|error| match error {
        crate::project::WriteError::Io(source) => ProjectError::Io { path: path.display().to_string(), source },
        crate::project::WriteError::Changed { .. } => ProjectError::NotEmpty { path: path.display().to_string() },
    })
}

fn write_tree(tree: &Dir<'_>, target: &Path) -> Result<(), ProjectError> {
    for file in tree.files() {
        let path = target.join(file.path());
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|source| ProjectError::Io { path: parent.display().to_string(), source })?;
        }
        write_new(&path, file.contents())?;
    }
    for sub in tree.dirs() {
        write_tree(sub, target)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_titles_are_slugs() {
        assert_eq!(id_from_title("Churn model — requirements", "x"), "churn-model-requirements");
        assert_eq!(id_from_title("  API v2: inputs!  ", "x"), "api-v2-inputs");
        assert_eq!(id_from_title("—", "new-contract"), "new-contract");
    }

    #[test]
    fn created_documents_parse_and_never_replace_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        init_project(dir.path(), false).expect("init");
        let project = Project::open(dir.path()).expect("open");
        let first = create_document(&project, Kind::Requirements, "Churn model").expect("create");
        assert_eq!(first, "requirements/churn-model.md");
        let second = create_document(&project, Kind::Requirements, "Churn model").expect("create again");
        assert_eq!(second, "requirements/churn-model-2.md");
        let document = project.read_document(&second).expect("read");
        assert_eq!(document.kind, Some(Kind::Requirements));
        assert_eq!(document.id, "churn-model-2");
        assert_eq!(document.title(), "Churn model");
        assert!(!document.read_only, "{:?}", document.issues);
        let untitled = create_document(&project, Kind::Meeting, "  ").expect("create untitled");
        assert_eq!(untitled, "meetings/untitled.md");
    }

    #[test]
    fn every_template_parses_as_its_kind() {
        for kind in Kind::ALL {
            let text = template(kind, "new-doc", "A \"quoted\" title").expect("template exists");
            let document = crate::document::parse_document("x/new-doc.md", text.as_bytes());
            assert_eq!(document.kind, Some(kind), "{:?}", document.issues);
            assert_eq!(document.id, "new-doc");
            assert_eq!(document.title(), "A \"quoted\" title");
            assert!(!document.read_only);
        }
    }
}
