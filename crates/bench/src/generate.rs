//! Writes realistic synthetic Seam projects: every kind of document, seeded from the bundled
//! example project (so the front matter is what real teams write), with links between documents,
//! discussions, bodies of varied length and vocabulary, and a sprinkling of malformed files.
//! Deterministic: the same seed and size give the same bytes.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use include_dir::{include_dir, Dir};
use rayon::prelude::*;
use regex::Regex;

static EXAMPLE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/example");

/// One in this many documents is malformed in one of the ways real folders are.
const MALFORMED_EVERY: u64 = 200;
/// Share of documents (in percent) that have a discussion.
const DISCUSSED_PERCENT: u64 = 15;
/// Sub-folders per kind folder (teams group documents by area).
const AREAS: &[&str] = &[
    "payments",
    "risk",
    "search",
    "support",
    "growth",
    "identity",
    "logistics",
    "pricing",
    "fraud",
    "ads",
    "voice",
    "vision",
    "ranking",
    "forecasting",
    "billing",
    "onboarding",
];
const AUTHORS: &[&str] = &[
    "Ana Ruiz",
    "Ben Okafor",
    "Priya Shah",
    "Aiko Watanabe",
    "Lukas Brenner",
    "Julia Nowak",
    "Kwame Mensah",
    "Maren Lindqvist",
    "Tomas Herrera",
    "Dana Brooks",
];
const STATUSES: &[&str] = &["draft", "proposed", "agreed", "agreed", "agreed", "superseded", "retired"];
const SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "tel", "van", "dor", "sen", "lu", "pra", "shi", "no", "ber", "ix", "qua", "zen", "fol", "gar",
    "tem", "ul", "wy", "est", "mon", "pli", "dra",
];

/// What `generate` wrote.
#[derive(Debug, Clone, Default)]
pub struct GeneratedProject {
    pub documents: usize,
    pub malformed: usize,
    pub comments: usize,
    pub bytes: u64,
}

/// A small deterministic generator (SplitMix64): enough for synthetic text, and it keeps the
/// generator free of a random-number crate whose output could change between versions.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (bound > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    pub fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).unwrap_or(0)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }
}

/// One example document used as a seed.
struct Seed {
    id: String,
    folder: String,
    front_matter: String,
    body_paragraphs: Vec<String>,
}

/// What every generated document needs to know about the others.
struct Plan {
    seeds: Vec<Seed>,
    seed_of: Vec<usize>,
    /// Generated documents per seed, so a link to an example id becomes a link to a document of
    /// the same kind.
    by_seed: Vec<Vec<usize>>,
    id_pattern: Regex,
    /// Tokens of the example project's prose, with their real frequencies.
    corpus_words: Vec<String>,
}

fn seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    for folder in ["requirements", "contracts", "datasets", "meetings"] {
        let Some(dir) = EXAMPLE.get_dir(folder) else { continue };
        for file in dir.files() {
            let Some(text) = file.contents_utf8() else { continue };
            let Some(rest) = text.strip_prefix("---\n") else { continue };
            let Some(end) = rest.find("\n---\n") else { continue };
            let front_matter = rest[..end + 1].to_string();
            let body = &rest[end + 5..];
            let id = front_matter
                .lines()
                .find_map(|line| line.strip_prefix("id: "))
                .map(|id| id.trim().to_string())
                .unwrap_or_default();
            let body_paragraphs =
                body.split("\n\n").map(|paragraph| paragraph.trim_matches('\n').to_string()).collect();
            seeds.push(Seed { id, folder: folder.to_string(), front_matter, body_paragraphs });
        }
    }
    seeds.sort_by(|a, b| a.id.cmp(&b.id));
    seeds
}

fn corpus_words() -> Vec<String> {
    let mut words = Vec::new();
    let mut stack = vec![&EXAMPLE];
    while let Some(dir) = stack.pop() {
        stack.extend(dir.dirs());
        for file in dir.files() {
            if let Some(text) = file.contents_utf8() {
                words.extend(
                    text.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
                        .filter(|word| word.len() > 1 && word.chars().any(char::is_alphabetic))
                        .map(str::to_string),
                );
            }
        }
    }
    words
}

/// The id of generated document `index`.
fn document_id(plan: &Plan, index: usize) -> String {
    format!("{}-{index:06}", plan.seeds[plan.seed_of[index]].id)
}

fn area_of(index: usize) -> &'static str {
    AREAS[index % AREAS.len()]
}

/// The path of generated document `index`, relative to the project root.
fn document_path(plan: &Plan, index: usize) -> String {
    let seed = &plan.seeds[plan.seed_of[index]];
    format!("{}/{}/{}.md", seed.folder, area_of(index), document_id(plan, index))
}

/// A word from the long tail: rare, made-up, Zipf-distributed (rank drawn log-uniformly), so
/// the index holds many terms seen in only a few documents, as real projects do.
fn tail_word(rng: &mut Rng) -> String {
    let vocabulary = 60_000f64;
    let rank = vocabulary.powf(rng.unit()) as u64;
    let mut word = String::new();
    let mut value = rank;
    loop {
        word.push_str(SYLLABLES[usize::try_from(value % SYLLABLES.len() as u64).unwrap_or(0)]);
        value /= SYLLABLES.len() as u64;
        if value == 0 {
            break;
        }
    }
    if word.len() < 4 {
        word.push_str("ter");
    }
    word
}

fn sentence(plan: &Plan, rng: &mut Rng) -> String {
    let length = 8 + rng.index(14);
    let mut words: Vec<String> = (0..length)
        .map(|_| if rng.chance(75) { rng.pick(&plan.corpus_words).to_lowercase() } else { tail_word(rng) })
        .collect();
    if let Some(first) = words.first_mut() {
        let mut chars = first.chars();
        if let Some(initial) = chars.next() {
            *first = initial.to_uppercase().chain(chars).collect();
        }
    }
    format!("{}.", words.join(" "))
}

fn paragraph(plan: &Plan, rng: &mut Rng) -> String {
    let count = 2 + rng.index(5);
    let sentences: Vec<String> = (0..count).map(|_| sentence(plan, rng)).collect();
    // Hard-wrapped like hand-written Markdown.
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in sentences.join(" ").split(' ') {
        if line.len() + word.len() > 96 {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

/// A link target of the same kind as the example document `example_id`.
fn linked_id(plan: &Plan, seed_index_by_id: &HashMap<&str, usize>, example_id: &str, rng: &mut Rng) -> String {
    match seed_index_by_id.get(example_id).map(|seed| &plan.by_seed[*seed]) {
        Some(candidates) if !candidates.is_empty() => document_id(plan, *rng.pick(candidates)),
        _ => example_id.to_string(),
    }
}

fn document_text(plan: &Plan, index: usize, rng: &mut Rng) -> String {
    let seed = &plan.seeds[plan.seed_of[index]];
    let seed_index_by_id: HashMap<&str, usize> =
        plan.seeds.iter().enumerate().map(|(position, seed)| (seed.id.as_str(), position)).collect();
    let own_id = document_id(plan, index);
    let mut front_matter = String::with_capacity(seed.front_matter.len() + 64);
    for line in seed.front_matter.lines() {
        if line.starts_with("id: ") {
            front_matter.push_str(&format!("id: {own_id}\n"));
        } else if let Some(title) = line.strip_prefix("title: ") {
            front_matter.push_str(&format!("title: {title} ({} {index})\n", area_of(index)));
        } else if line.starts_with("status: ") {
            front_matter.push_str(&format!("status: {}\n", rng.pick(STATUSES)));
        } else {
            // Every example id becomes a generated document of the same kind (links, sources,
            // agenda items), in one pass so a replacement is never replaced again.
            let replaced = plan.id_pattern.replace_all(line, |captures: &regex::Captures<'_>| {
                linked_id(plan, &seed_index_by_id, &captures[0], rng)
            });
            front_matter.push_str(&replaced);
            front_matter.push('\n');
        }
    }
    let mut body = String::new();
    for seed_paragraph in &seed.body_paragraphs {
        if rng.chance(25) {
            let replaced = plan.id_pattern.replace_all(seed_paragraph, |captures: &regex::Captures<'_>| {
                linked_id(plan, &seed_index_by_id, &captures[0], rng)
            });
            body.push_str(&replaced);
            body.push_str("\n\n");
        }
    }
    // Length varies a lot between documents: most are short, a few are long.
    let extra = if rng.chance(4) {
        6 + rng.index(16)
    } else if rng.chance(30) {
        1 + rng.index(2)
    } else {
        0
    };
    for _ in 0..extra {
        body.push_str(&paragraph(plan, rng));
        if rng.chance(20) {
            let target = rng.index(plan.seed_of.len());
            body.push_str(&format!(" See [[{}]].", document_id(plan, target)));
        }
        body.push_str("\n\n");
    }
    format!("---\n{front_matter}---\n\n{}", body.trim_end_matches('\n').to_string() + "\n")
}

/// Breaks a document the way files get broken in shared folders. Returns the new bytes.
fn malform(text: &str, rng: &mut Rng) -> Vec<u8> {
    match rng.below(7) {
        // A YAML syntax error in the front matter.
        0 => text.replacen("\ntitle: ", "\ntitle: [unclosed ", 1).into_bytes(),
        // The closing fence is missing.
        1 => text.replacen("\n---\n", "\n", 1).into_bytes(),
        // A required key is missing.
        2 => text.replacen("\nkind: ", "\nkind_of: ", 1).into_bytes(),
        // A value of the wrong shape.
        3 => text.replacen("\nstatus: ", "\nstatus:\n  - ", 1).into_bytes(),
        // Not UTF-8 (a Latin-1 editor).
        4 => {
            let mut bytes = text.as_bytes().to_vec();
            let middle = bytes.len() / 2;
            bytes.insert(middle, 0xE9);
            bytes
        }
        // Binary garbage.
        5 => {
            let mut bytes = text.as_bytes()[..text.len().min(200)].to_vec();
            bytes.extend_from_slice(&[0, 159, 146, 150, 0, 1, 2]);
            bytes
        }
        // Empty.
        _ => Vec::new(),
    }
}

fn comment_text(plan: &Plan, document: &str, number: usize, reply_to: Option<&str>, rng: &mut Rng) -> String {
    let author = rng.pick(AUTHORS);
    let day = 1 + rng.index(28);
    let hour = rng.index(24);
    let reply = reply_to.map_or_else(|| "null".to_string(), str::to_string);
    format!(
        "---\ndocument: {document}\nitem: null\nauthor: {author}\nat: 2026-10-{day:02}T{hour:02}:{number:02}:00Z\nreply_to: {reply}\nresolved: {}\n---\n{}\n",
        rng.chance(50),
        paragraph(plan, rng)
    )
}

/// Writes a project of `documents` documents into `dir` (created; must be empty or new).
pub fn generate(dir: &Path, documents: usize, seed: u64) -> anyhow::Result<GeneratedProject> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        anyhow::bail!("{} is not empty; give a new or empty folder", dir.display());
    }
    fs::create_dir_all(dir)?;
    let seeds = seeds();
    if seeds.is_empty() {
        anyhow::bail!("the bundled example project has no documents to seed from");
    }
    let mut rng = Rng::new(seed);
    // Meetings and dataset notes are the most numerous in real projects; within a kind, every
    // example document equally often.
    let kinds: Vec<&str> = [("requirements", 15), ("contracts", 20), ("datasets", 30), ("meetings", 35)]
        .iter()
        .flat_map(|(kind, weight)| std::iter::repeat_n(*kind, *weight))
        .collect();
    let seed_of: Vec<usize> = (0..documents)
        .map(|_| {
            let folder = rng.pick(&kinds);
            let of_kind: Vec<usize> =
                seeds.iter().enumerate().filter(|(_, seed)| seed.folder == *folder).map(|(index, _)| index).collect();
            *rng.pick(&of_kind)
        })
        .collect();
    let mut by_seed = vec![Vec::new(); seeds.len()];
    for (index, seed) in seed_of.iter().enumerate() {
        by_seed[*seed].push(index);
    }
    let mut ids: Vec<&str> = seeds.iter().map(|seed| seed.id.as_str()).collect();
    ids.sort_by_key(|id| std::cmp::Reverse(id.len()));
    let alternatives: Vec<String> = ids.iter().map(|id| regex::escape(id)).collect();
    let id_pattern = Regex::new(&format!(r"\b(?:{})\b", alternatives.join("|")))?;
    let plan = Plan { seeds, seed_of, by_seed, id_pattern, corpus_words: corpus_words() };

    if let Some(config) = EXAMPLE.get_file("seam.toml").and_then(|file| file.contents_utf8()) {
        fs::write(dir.join("seam.toml"), config.replace("Larkdesk ticket triage", "Generated benchmark project"))?;
    }
    let totals = (0..documents)
        .into_par_iter()
        .map(|index| -> anyhow::Result<GeneratedProject> {
            let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
            let text = document_text(&plan, index, &mut rng);
            let broken = rng.below(MALFORMED_EVERY) == 0;
            let bytes = if broken { malform(&text, &mut rng) } else { text.into_bytes() };
            let path = dir.join(document_path(&plan, index));
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, &bytes)?;
            let mut written = GeneratedProject {
                documents: 1,
                malformed: usize::from(broken),
                comments: 0,
                bytes: bytes.len() as u64,
            };
            if rng.chance(DISCUSSED_PERCENT) {
                let id = document_id(&plan, index);
                let folder = dir.join("discussions").join(&id);
                fs::create_dir_all(&folder)?;
                let mut previous: Option<String> = None;
                for number in 0..1 + rng.index(3) {
                    let stem = format!(
                        "202610{:02}T1200{number:02}Z-{}",
                        1 + index % 28,
                        rng.pick(AUTHORS).to_lowercase().replace(' ', "-")
                    );
                    let comment = comment_text(&plan, &id, number, previous.as_deref(), &mut rng);
                    fs::write(folder.join(format!("{stem}.md")), &comment)?;
                    written.comments += 1;
                    written.bytes += comment.len() as u64;
                    previous = Some(stem);
                }
            }
            Ok(written)
        })
        .try_reduce(GeneratedProject::default, |a, b| {
            Ok(GeneratedProject {
                documents: a.documents + b.documents,
                malformed: a.malformed + b.malformed,
                comments: a.comments + b.comments,
                bytes: a.bytes + b.bytes,
            })
        })?;
    Ok(totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use seam_core::project::Project;

    #[test]
    fn generated_documents_parse_link_to_each_other_and_a_few_are_malformed() {
        let folder = tempfile::tempdir().expect("tempdir");
        let root = folder.path().join("project");
        let written = generate(&root, 400, 7).expect("generate");
        assert_eq!(written.documents, 400);
        let project = Project::open(&root).expect("a Seam project");
        let documents = project.read_all();
        assert_eq!(documents.len(), 400);
        let broken = documents.iter().filter(|document| document.read_only || !document.issues.is_empty()).count();
        assert!(broken >= written.malformed, "every malformed file is reported");
        assert!(broken < 400 / 20, "most documents are valid: {broken} have issues");
        let ids: std::collections::HashSet<&str> = documents.iter().map(|document| document.id.as_str()).collect();
        let links: Vec<String> =
            documents.iter().flat_map(|document| document.references()).map(|(id, _, _)| id).collect();
        assert!(links.len() > 400, "documents link to each other");
        assert!(links.iter().all(|id| ids.contains(id.as_str())), "every link names a generated document");
        let kinds: std::collections::HashSet<&str> =
            documents.iter().filter_map(|document| document.kind.map(|kind| kind.as_str())).collect();
        assert_eq!(kinds.len(), 4, "every kind is generated");
        assert!(written.comments > 0);
        assert_eq!(project.comment_paths().len(), written.comments);

        // Deterministic.
        let again = folder.path().join("again");
        generate(&again, 400, 7).expect("generate again");
        for document in documents.iter().take(50) {
            let first = fs::read(root.join(&document.rel_path)).expect("read");
            let second = fs::read(again.join(&document.rel_path)).expect("same path in the second project");
            assert_eq!(first, second, "{} differs between two runs with the same seed", document.rel_path);
        }
    }
}
