//! The bundled example project and the templates for each kind, embedded in the binary so
//! `seam init --example` and the app's "Open the example" work from any installation.

use std::fs;
use std::path::Path;

use include_dir::{include_dir, Dir};

use crate::document::Kind;
use crate::project::{write_atomic, ProjectError, CONFIG_FILE};

static EXAMPLE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/example");
static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/templates");

/// The template for a kind, with `{{id}}` and `{{title}}` filled in.
pub fn template(kind: Kind, id: &str, title: &str) -> Option<String> {
    let file = TEMPLATES.get_file(format!("{}.md", kind.as_str()))?;
    let text = file.contents_utf8()?;
    let escape = |value: &str| value.replace('\\', "\\\\").replace('"', "\\\"");
    Some(text.replace("{{id}}", &escape(id)).replace("{{title}}", &escape(title)))
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
