//! The typed model of each document kind. The structs are the single source of truth: the JSON
//! Schema used for field-level validation is derived from them (schemars), so a field added here
//! is validated, typed and documented at once. Unknown keys are allowed (and kept in the file,
//! which is edited in place, never re-serialized).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Requirements,
    Contract,
    Dataset,
    Meeting,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Requirements, Kind::Contract, Kind::Dataset, Kind::Meeting];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Requirements => "requirements",
            Kind::Contract => "contract",
            Kind::Dataset => "dataset",
            Kind::Meeting => "meeting",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The folder the kind's documents live in by convention.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Requirements => "requirements",
            Kind::Contract => "contracts",
            Kind::Dataset => "datasets",
            Kind::Meeting => "meetings",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Proposed,
    Agreed,
    Superseded,
    Retired,
}

impl Status {
    pub const ALL: [&'static str; 5] = ["draft", "proposed", "agreed", "superseded", "retired"];
    pub const EVERY: [Status; 5] =
        [Status::Draft, Status::Proposed, Status::Agreed, Status::Superseded, Status::Retired];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Proposed => "proposed",
            Status::Agreed => "agreed",
            Status::Superseded => "superseded",
            Status::Retired => "retired",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::EVERY.into_iter().find(|status| status.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    Proposed,
    Agreed,
    Disputed,
}

impl ItemState {
    pub const ALL: [ItemState; 3] = [ItemState::Proposed, ItemState::Agreed, ItemState::Disputed];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Proposed => "proposed",
            ItemState::Agreed => "agreed",
            ItemState::Disputed => "disputed",
        }
    }

    pub fn parse(text: &str) -> Option<ItemState> {
        ItemState::ALL.into_iter().find(|state| state.as_str() == text)
    }
}

/// A counter-proposal on one item: the proposed values by field name (`threshold: 0.8`; `value`
/// for an SLA entry), who proposed them, when and why. The item's own fields keep the agreed
/// values until the proposal is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Proposal {
    pub by: Option<String>,
    pub at: Option<String>,
    pub reason: Option<String>,
    #[serde(flatten)]
    pub values: std::collections::BTreeMap<String, serde_json::Value>,
}

/// The negotiation state of an item kept outside the item itself (SLA entries).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ItemNegotiation {
    pub state: Option<ItemState>,
    pub state_by: Option<String>,
    pub state_at: Option<String>,
    pub state_reason: Option<String>,
    pub proposed: Option<Proposal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Person {
    pub name: String,
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Signoff {
    pub name: String,
    pub role: String,
    pub at: String,
    pub hash: String,
}

/// Keys every kind shares.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Common {
    pub kind: Option<Kind>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub status: Option<Status>,
    pub version: Option<VersionText>,
    #[serde(default)]
    pub owners: Vec<Person>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub signoffs: Vec<Signoff>,
}

/// A version is text (`2.1.0`, `"2024.3"`); an unquoted `2024.3` reads as a number and is
/// accepted as its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum VersionText {
    Text(String),
    Number(f64),
}

impl VersionText {
    pub fn to_text(&self) -> String {
        match self {
            VersionText::Text(text) => text.clone(),
            VersionText::Number(number) => number.to_string(),
        }
    }
}

// ---------------------------------------------------------------- requirement sheet

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Quality {
    Accuracy,
    Latency,
    Throughput,
    Training,
    Cost,
    Fairness,
    Explainability,
    Robustness,
    Privacy,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Op {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "==")]
    Equal,
    #[serde(rename = "between")]
    Between,
}

/// A target or threshold: one number, or `[low, high]` for `between`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Bound {
    Value(f64),
    Range([f64; 2]),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Measurement {
    pub value: f64,
    pub at: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Requirement {
    pub id: String,
    pub quality: Option<Quality>,
    pub metric: String,
    pub op: Option<Op>,
    pub target: Option<Bound>,
    pub threshold: Option<Bound>,
    pub unit: Option<String>,
    pub slice: Option<String>,
    /// How far a measurement may stray from `target` / `threshold` and still meet it (for `==`
    /// above all, where floating-point results rarely hit the value exactly). In the metric's unit.
    pub tolerance: Option<f64>,
    pub rationale: Option<String>,
    pub set_by: Option<String>,
    pub state: Option<ItemState>,
    pub state_by: Option<String>,
    pub state_at: Option<String>,
    pub state_reason: Option<String>,
    /// A counter-proposal beside the agreed values (docs/NEGOTIATION.md).
    pub proposed: Option<Proposal>,
    pub measured: Option<Measurement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Checkpoint {
    pub date: Option<String>,
    pub criterion: Option<String>,
    /// The outcome as recorded by the team; when absent Seam judges the criterion against the
    /// measurements imported on or before `date`.
    pub outcome: Option<CheckpointOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckpointOutcome {
    Passed,
    Missed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResearchBudget {
    pub timebox_weeks: Option<f64>,
    pub started: Option<String>,
    pub fallback: Option<String>,
    #[serde(default)]
    pub checkpoints: Vec<Checkpoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrainingBudget {
    pub max_hours: Option<f64>,
    pub max_cost_usd: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InferenceBudget {
    pub latency_p95_ms: Option<f64>,
    pub cost_per_1k_usd: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Budgets {
    pub research: Option<ResearchBudget>,
    pub training: Option<TrainingBudget>,
    pub inference: Option<InferenceBudget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequirementSheet {
    #[serde(flatten)]
    pub common: Common,
    pub component: Option<String>,
    pub requirements: Vec<Requirement>,
    pub budgets: Option<Budgets>,
}

// ---------------------------------------------------------------- interface contract

/// `[min, max]`; either end may be null for an open range.
pub type Range = [Option<f64>; 2];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: String,
    pub unit: Option<String>,
    pub range: Option<Range>,
    #[serde(rename = "enum")]
    pub allowed: Option<Vec<serde_json::Value>>,
    pub nullable: Option<bool>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub state: Option<ItemState>,
    pub state_by: Option<String>,
    pub state_at: Option<String>,
    pub state_reason: Option<String>,
    /// A counter-proposal beside the agreed values (docs/NEGOTIATION.md).
    pub proposed: Option<Proposal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Party {
    pub component: String,
    pub team: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Sla {
    pub latency_p95_ms: Option<f64>,
    pub throughput_rps: Option<f64>,
    pub availability: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Behavior {
    pub on_error: Option<String>,
    pub low_confidence: Option<String>,
    pub out_of_distribution: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Lifecycle {
    pub retraining: Option<String>,
    pub update_notice_days: Option<f64>,
    pub deprecation_notice_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Monitor {
    pub metric: String,
    pub threshold: Option<f64>,
    pub owner: Option<String>,
    pub action: Option<String>,
}

/// One row of the RACI matrix; each role names a team or a list of teams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Responsibility {
    pub task: String,
    pub responsible: Option<OneOrMany>,
    pub accountable: Option<OneOrMany>,
    pub consulted: Option<OneOrMany>,
    pub informed: Option<OneOrMany>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Contract {
    #[serde(flatten)]
    pub common: Common,
    pub provider: Option<Party>,
    #[serde(default)]
    pub consumers: Vec<Party>,
    #[serde(default)]
    pub input: Vec<Field>,
    #[serde(default)]
    pub output: Vec<Field>,
    pub sla: Option<Sla>,
    /// The negotiation state of each `sla` entry, keyed like `sla` (`latency_p95_ms: {state: agreed, …}`).
    #[serde(default)]
    pub sla_states: std::collections::BTreeMap<String, ItemNegotiation>,
    pub behavior: Option<Behavior>,
    pub lifecycle: Option<Lifecycle>,
    #[serde(default)]
    pub monitoring: Vec<Monitor>,
    #[serde(default)]
    pub responsibilities: Vec<Responsibility>,
    /// Id of the requirement sheet this contract serves.
    pub requirements: Option<String>,
    #[serde(default)]
    pub datasets: Vec<String>,
}

// ---------------------------------------------------------------- dataset note

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DatasetOwner {
    pub name: String,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Access {
    pub policy: Option<String>,
    pub approval: Option<String>,
    #[serde(default)]
    pub granted_to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Privacy {
    pub pii: Option<bool>,
    #[serde(default)]
    pub fields: Vec<String>,
    pub retention_days: Option<f64>,
    pub legal_basis: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Collection {
    pub method: Option<String>,
    pub period: Option<[Option<String>; 2]>,
    pub population: Option<String>,
    pub sampling: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: String,
    pub unit: Option<String>,
    pub range: Option<Range>,
    #[serde(rename = "enum")]
    pub allowed: Option<Vec<serde_json::Value>>,
    pub nullable: Option<bool>,
    pub unique: Option<bool>,
    pub pattern: Option<String>,
    pub label: Option<bool>,
    pub description: Option<String>,
    /// Largest share of empty values this column may have (0..1); overrides `checks.max_null_fraction`.
    pub max_null_fraction: Option<f64>,
    /// Review state of this column's definition.
    pub state: Option<ItemState>,
    pub state_by: Option<String>,
    pub state_at: Option<String>,
    pub state_reason: Option<String>,
    /// A counter-proposal beside the agreed values (docs/NEGOTIATION.md).
    pub proposed: Option<Proposal>,
}

/// Dataset-level checks `seam dataset validate` runs besides the per-column ones.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct DatasetChecks {
    /// `[min, max]` number of data rows; either end may be null.
    pub rows: Option<Range>,
    /// Largest share of empty values any column may have (0..1), unless the column states its own.
    pub max_null_fraction: Option<f64>,
    /// `false`: no two rows may be identical.
    pub duplicate_rows: Option<bool>,
}

/// When `seam dataset drift` flags a column: PSI above `psi`, or KS statistic above `ks`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct DriftThresholds {
    pub psi: Option<f64>,
    pub ks: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quality_ {
    #[serde(default)]
    pub known_issues: Vec<String>,
    #[serde(default)]
    pub cleaning: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Agreement {
    pub metric: Option<String>,
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Annotation {
    pub process: Option<String>,
    pub agreement: Option<Agreement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Drift {
    pub format: Option<String>,
    pub semantics: Option<String>,
    pub distribution: Option<String>,
    pub refresh: Option<String>,
    pub thresholds: Option<DriftThresholds>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Dataset {
    #[serde(flatten)]
    pub common: Common,
    pub owner: Option<DatasetOwner>,
    pub access: Option<Access>,
    pub privacy: Option<Privacy>,
    pub license: Option<String>,
    pub collection: Option<Collection>,
    #[serde(default)]
    pub schema: Vec<Column>,
    pub checks: Option<DatasetChecks>,
    pub quality: Option<Quality_>,
    pub annotation: Option<Annotation>,
    #[serde(default)]
    pub biases: Vec<String>,
    pub drift: Option<Drift>,
}

// ---------------------------------------------------------------- meeting

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AgendaItem {
    pub document: String,
    pub item: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    pub document: String,
    pub item: Option<String>,
    pub decision: String,
    pub by: Option<String>,
    /// What the decision set (`seam meeting decide --state`): the item's state with `item`, else
    /// the document's status.
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Meeting {
    #[serde(flatten)]
    pub common: Common,
    pub date: Option<String>,
    #[serde(default)]
    pub attendees: Vec<Person>,
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

// ---------------------------------------------------------------- comments

/// One comment file under `discussions/<doc-id>/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Comment {
    pub document: String,
    pub item: Option<String>,
    pub author: String,
    pub at: String,
    pub reply_to: Option<String>,
    #[serde(default)]
    pub resolved: bool,
}

/// A document's typed content, when its front matter is valid enough to read.
// One per parsed document and matched on everywhere: boxing the larger kinds would cost an
// allocation each and noise at every use for no measurable gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    Requirements(RequirementSheet),
    Contract(Contract),
    Dataset(Dataset),
    Meeting(Meeting),
}

/// Keys each kind must have, beyond what the struct types require (checked by validation).
pub fn required_keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Requirements => &["kind", "title", "status", "requirements"],
        Kind::Contract => &["kind", "title", "status", "version", "provider", "input", "output"],
        Kind::Dataset => &["kind", "title", "status", "owner", "schema"],
        Kind::Meeting => &["kind", "title", "date", "attendees"],
    }
}

/// The JSON Schema of one kind's front matter, derived from its struct, with the kind's required
/// keys added.
pub fn json_schema(kind: Kind) -> serde_json::Value {
    let schema = match kind {
        Kind::Requirements => schemars::schema_for!(RequirementSheet),
        Kind::Contract => schemars::schema_for!(Contract),
        Kind::Dataset => schemars::schema_for!(Dataset),
        Kind::Meeting => schemars::schema_for!(Meeting),
    };
    let mut value = schema.to_value();
    if let Some(object) = value.as_object_mut() {
        let required: Vec<serde_json::Value> =
            required_keys(kind).iter().map(|key| serde_json::Value::from(*key)).collect();
        object.insert("required".to_string(), serde_json::Value::Array(required));
    }
    value
}

pub fn comment_json_schema() -> serde_json::Value {
    schemars::schema_for!(Comment).to_value()
}
