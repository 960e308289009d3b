//! Reading evaluation results: flat and nested JSON / YAML (as DVC writes `metrics.json`), CSV
//! (long: one `metric,value` row per measurement; wide: one column per metric), MLflow run
//! exports, Hugging Face `model-index` (model card front matter) and `.eval_results` YAML.
//! Every format becomes the same list of named numbers (`Point`), with the line they came from.

use serde_json::Value;

use super::date;
use super::MetricsError;
use crate::document::split_front_matter;
use crate::document::yaml::{self, Node};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Flat or nested JSON (DVC `metrics.json`, any `{"name": number}` tree).
    Json,
    /// Flat or nested YAML.
    Yaml,
    Csv,
    /// `mlflow runs describe` / REST `runs/get` / export-import `run.json`.
    Mlflow,
    /// Hugging Face `model-index` in a model card's front matter (README.md) or a YAML file.
    HfModelIndex,
    /// Hugging Face `.eval_results/*.yaml`: a list of `{dataset: {id, task_id}, value, date}`.
    EvalResults,
}

impl InputFormat {
    pub const ALL: [InputFormat; 6] = [
        InputFormat::Json,
        InputFormat::Yaml,
        InputFormat::Csv,
        InputFormat::Mlflow,
        InputFormat::HfModelIndex,
        InputFormat::EvalResults,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Json => "json",
            InputFormat::Yaml => "yaml",
            InputFormat::Csv => "csv",
            InputFormat::Mlflow => "mlflow",
            InputFormat::HfModelIndex => "hf-model-index",
            InputFormat::EvalResults => "eval-results",
        }
    }

    pub fn parse(text: &str) -> Option<InputFormat> {
        InputFormat::ALL.into_iter().find(|format| format.as_str() == text)
    }
}

/// One number read from a metrics file.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Where it sits in the file: a dotted path (`test.by_language.de.macro_f1`), a CSV metric
    /// name, an MLflow key. `--map` names points by this.
    pub name: String,
    /// The metric it measures (the last part of the name), compared with a row's `metric`.
    pub metric: String,
    /// The subgroup (`language=de`), None for the whole population.
    pub slice: Option<String>,
    pub value: f64,
    /// When it was measured (`YYYY-MM-DD`), when the file says.
    pub at: Option<String>,
    pub line: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedMetrics {
    pub format: InputFormat,
    pub points: Vec<Point>,
    /// When the whole run was measured, when the file says (MLflow end time, a `date` key).
    pub at: Option<String>,
}

/// Guesses the format from the file name and, where the name is not enough, the content.
pub fn detect_format(file_name: &str, text: &str) -> InputFormat {
    let lower = file_name.to_ascii_lowercase();
    let extension = lower.rsplit_once('.').map(|(_, extension)| extension).unwrap_or_default();
    match extension {
        "csv" | "tsv" => return InputFormat::Csv,
        "md" | "markdown" => return InputFormat::HfModelIndex,
        _ => {}
    }
    if lower.contains(".eval_results/") {
        return InputFormat::EvalResults;
    }
    let trimmed = text.trim_start();
    if extension == "json" || trimmed.starts_with('{') {
        if let Ok(value) = serde_json::from_str::<Value>(text) {
            if is_mlflow(&value) {
                return InputFormat::Mlflow;
            }
        }
        return InputFormat::Json;
    }
    if let Ok(Some(node)) = yaml::parse(text, 0, 1) {
        let value = node.to_json();
        if value.get("model-index").is_some() {
            return InputFormat::HfModelIndex;
        }
        if is_eval_results(&value) {
            return InputFormat::EvalResults;
        }
    }
    InputFormat::Yaml
}

fn is_mlflow(value: &Value) -> bool {
    let run = value.get("run").unwrap_or(value);
    run.get("info").is_some_and(Value::is_object) && run.get("data").is_some_and(|data| data.get("metrics").is_some())
}

fn is_eval_results(value: &Value) -> bool {
    value.as_array().is_some_and(|items| {
        !items.is_empty() && items.iter().all(|item| item.get("dataset").is_some() && item.get("value").is_some())
    })
}

/// Reads the points of a metrics file. `file_name` names the file in errors.
pub fn parse_metrics(file_name: &str, text: &str, format: Option<InputFormat>) -> Result<ParsedMetrics, MetricsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = format.unwrap_or_else(|| detect_format(file_name, text));
    let mut parsed = match format {
        InputFormat::Csv => parse_csv(file_name, text)?,
        InputFormat::Json => {
            let loaded = Loaded::json(file_name, text)?;
            nested(&loaded, InputFormat::Json)
        }
        InputFormat::Yaml => {
            let loaded = Loaded::yaml(file_name, text, 0, 1)?;
            nested(&loaded, InputFormat::Yaml)
        }
        InputFormat::Mlflow => mlflow(file_name, &Loaded::json(file_name, text)?)?,
        InputFormat::HfModelIndex => model_index(file_name, text)?,
        InputFormat::EvalResults => eval_results(file_name, &Loaded::yaml(file_name, text, 0, 1)?)?,
    };
    if parsed.points.is_empty() {
        return Err(MetricsError::input(
            file_name,
            None,
            format!("no numeric metric found (read as {}; give --format if that is wrong)", format.as_str()),
        ));
    }
    for point in &mut parsed.points {
        if let Some(at) = &point.at {
            if date::parse_day(at).is_none() {
                return Err(MetricsError::input(
                    file_name,
                    point.line,
                    format!("{}: `{at}` is not a date (YYYY-MM-DD)", point.name),
                ));
            }
        }
    }
    Ok(parsed)
}

/// A parsed JSON or YAML file: its value, and the positioned tree when there is one (for lines).
struct Loaded {
    value: Value,
    tree: Option<Node>,
}

impl Loaded {
    fn json(file_name: &str, text: &str) -> Result<Loaded, MetricsError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|error| MetricsError::input(file_name, Some(error.line()), format!("not valid JSON: {error}")))?;
        // JSON is YAML, so the positioned YAML tree gives lines; without it, errors have none.
        let tree = yaml::parse(text, 0, 1).ok().flatten();
        Ok(Loaded { value, tree })
    }

    fn yaml(file_name: &str, text: &str, base_offset: usize, base_line: usize) -> Result<Loaded, MetricsError> {
        let tree = yaml::parse(text, base_offset, base_line).map_err(|error| {
            MetricsError::input(file_name, Some(error.line), format!("not valid YAML: {}", error.message))
        })?;
        let value = tree.as_ref().map_or(Value::Null, Node::to_json);
        Ok(Loaded { value, tree })
    }

    fn line(&self, pointer: &str) -> Option<usize> {
        self.tree.as_ref().map(|tree| tree.deepest_at_pointer(pointer).line)
    }
}

fn pointer_push(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

/// Words that mean "the whole population" in a slice position.
fn is_whole_population(text: &str) -> bool {
    matches!(text.to_ascii_lowercase().as_str(), "" | "all" | "overall" | "total" | "global")
}

/// Splits a path of groups into the slice it names: a group `key=value` is a slice, and so is
/// the pair `by_key`, `value` (`by_language.de` → `language=de`). Other groups (`test`, `eval`)
/// only tell points apart.
fn slice_of(groups: &[&str]) -> Option<String> {
    let mut parts = Vec::new();
    let mut index = 0;
    while index < groups.len() {
        let group = groups[index];
        if let Some((key, value)) = group.split_once('=') {
            parts.push(format!("{}={}", key.trim(), value.trim()));
        } else if let (Some(key), Some(value)) = (group.strip_prefix("by_"), groups.get(index + 1)) {
            // `by_language.language=de` names the slice twice; the `=` group says it.
            if !value.contains('=') {
                parts.push(format!("{key}={value}"));
                index += 1;
            }
        }
        index += 1;
    }
    let slice = parts.join(",");
    (!is_whole_population(&slice)).then_some(slice)
}

/// Builds a point from a path of name parts (groups, then the metric).
fn point_from_path(parts: &[&str], separator: &str, value: f64, at: Option<String>, line: Option<usize>) -> Point {
    let (metric, groups) = parts.split_last().map_or(("", &[][..]), |(last, rest)| (*last, rest));
    Point { name: parts.join(separator), metric: metric.to_string(), slice: slice_of(groups), value, at, line }
}

/// Keys of a nested file that say when it was measured rather than being a metric.
const DATE_KEYS: [&str; 4] = ["at", "date", "timestamp", "measured_at"];

fn nested(loaded: &Loaded, format: InputFormat) -> ParsedMetrics {
    let mut points = Vec::new();
    let at = DATE_KEYS
        .iter()
        .find_map(|key| loaded.value.get(*key).and_then(Value::as_str))
        .filter(|text| date::parse_day(text).is_some())
        .map(|text| text[..10].to_string());
    walk(loaded, &loaded.value, &mut Vec::new(), "", &mut points);
    ParsedMetrics { format, points, at }
}

fn walk(loaded: &Loaded, value: &Value, path: &mut Vec<String>, pointer: &str, points: &mut Vec<Point>) {
    match value {
        Value::Object(entries) => {
            for (key, child) in entries {
                path.push(key.clone());
                walk(loaded, child, path, &pointer_push(pointer, key), points);
                path.pop();
            }
        }
        Value::Number(number) => {
            if let Some(number) = number.as_f64() {
                let parts: Vec<&str> = path.iter().map(String::as_str).collect();
                if !parts.is_empty() {
                    points.push(point_from_path(&parts, ".", number, None, loaded.line(pointer)));
                }
            }
        }
        // Lists (confusion matrices, curves), text and booleans are not scalar metrics.
        _ => {}
    }
}

// ---------------------------------------------------------------- CSV

/// Columns of a CSV file that describe a row rather than hold a metric.
const CSV_CONTEXT_COLUMNS: [&str; 11] =
    ["slice", "at", "date", "timestamp", "step", "epoch", "run", "run_id", "model", "split", "dataset"];

fn parse_csv(file_name: &str, text: &str) -> Result<ParsedMetrics, MetricsError> {
    let delimiter = if file_name.to_ascii_lowercase().ends_with(".tsv") { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| csv_error(file_name, &error))?
        .iter()
        .map(|header| header.to_ascii_lowercase())
        .collect();
    let column = |names: &[&str]| headers.iter().position(|header| names.contains(&header.as_str()));
    let name_column = column(&["metric", "name", "key"]);
    let value_column = column(&["value"]);
    let slice_column = column(&["slice"]);
    let at_column = column(&["at", "date", "timestamp"]);
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| csv_error(file_name, &error))?;
        let line = record.position().map(|position| position.line() as usize);
        records.push((record, line));
    }
    let cell_at = |record: &csv::StringRecord, line: Option<usize>| -> Result<Option<String>, MetricsError> {
        let Some(text) = at_column.and_then(|index| record.get(index)).filter(|text| !text.is_empty()) else {
            return Ok(None);
        };
        if let Ok(ms) = text.parse::<i64>() {
            // Unix milliseconds, as MLflow and many loggers write them.
            return Ok(Some(date::day_of_unix_ms(ms)));
        }
        match date::parse_day(text) {
            Some(_) => Ok(Some(text[..10].to_string())),
            None => Err(MetricsError::input(file_name, line, format!("`{text}` is not a date (YYYY-MM-DD)"))),
        }
    };
    let cell_slice = |record: &csv::StringRecord| {
        slice_column.and_then(|index| record.get(index)).filter(|text| !is_whole_population(text)).map(str::to_string)
    };
    let mut points = Vec::new();
    if let (Some(name_column), Some(value_column)) = (name_column, value_column) {
        // Long form: one measurement per row.
        for (record, line) in &records {
            let name = record.get(name_column).unwrap_or_default();
            let raw = record.get(value_column).unwrap_or_default();
            if name.is_empty() && raw.is_empty() {
                continue;
            }
            let value = raw.parse::<f64>().map_err(|_| {
                MetricsError::input(file_name, *line, format!("value of `{name}` is `{raw}`, which is not a number"))
            })?;
            let slice = cell_slice(record);
            points.push(Point {
                name: match &slice {
                    Some(slice) => format!("{name}@{slice}"),
                    None => name.to_string(),
                },
                metric: name.to_string(),
                slice,
                value,
                at: cell_at(record, *line)?,
                line: *line,
            });
        }
        return Ok(ParsedMetrics { format: InputFormat::Csv, points, at: None });
    }
    // Wide form: every numeric column is a metric, every row a measurement (of a slice, or at a time).
    let metric_columns: Vec<usize> = (0..headers.len())
        .filter(|index| !CSV_CONTEXT_COLUMNS.contains(&headers[*index].as_str()))
        .filter(|index| {
            records.iter().all(|(record, _)| {
                let cell = record.get(*index).unwrap_or_default();
                cell.is_empty() || cell.parse::<f64>().is_ok()
            })
        })
        .collect();
    for (record, line) in &records {
        let slice = cell_slice(record);
        let at = cell_at(record, *line)?;
        for index in &metric_columns {
            let Some(value) = record.get(*index).filter(|cell| !cell.is_empty()).and_then(|cell| cell.parse().ok())
            else {
                continue;
            };
            let header = reader_header(&headers, *index);
            points.push(Point {
                name: match &slice {
                    Some(slice) => format!("{header}@{slice}"),
                    None => header.to_string(),
                },
                metric: header.to_string(),
                slice: slice.clone(),
                value,
                at: at.clone(),
                line: *line,
            });
        }
    }
    Ok(ParsedMetrics { format: InputFormat::Csv, points, at: None })
}

fn reader_header(headers: &[String], index: usize) -> &str {
    headers.get(index).map_or("", String::as_str)
}

fn csv_error(file_name: &str, error: &csv::Error) -> MetricsError {
    let line = error.position().map(|position| position.line() as usize);
    MetricsError::input(file_name, line, format!("not valid CSV: {error}"))
}

// ---------------------------------------------------------------- MLflow

fn mlflow(file_name: &str, loaded: &Loaded) -> Result<ParsedMetrics, MetricsError> {
    let (run, base) = match loaded.value.get("run") {
        Some(run) => (run, "/run"),
        None => (&loaded.value, ""),
    };
    let info = run.get("info");
    let run_at = ["end_time", "start_time"]
        .iter()
        .find_map(|key| info.and_then(|info| info.get(*key)).and_then(mlflow_time))
        .map(date::day_of_unix_ms);
    let metrics_pointer = format!("{base}/data/metrics");
    let Some(metrics) = run.get("data").and_then(|data| data.get("metrics")) else {
        return Err(MetricsError::input(
            file_name,
            loaded.line(&format!("{base}/data")),
            "no data.metrics in this MLflow run",
        ));
    };
    let mut points = Vec::new();
    let mut push = |key: &str, value: f64, timestamp: Option<i64>, line: Option<usize>| {
        let parts: Vec<&str> = key.split('/').collect();
        points.push(point_from_path(&parts, "/", value, timestamp.map(date::day_of_unix_ms), line));
    };
    match metrics {
        // `runs/get`: [{key, value, timestamp, step}]
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let pointer = format!("{metrics_pointer}/{index}");
                let key = item.get("key").and_then(Value::as_str).ok_or_else(|| {
                    MetricsError::input(file_name, loaded.line(&pointer), "metric entry without a `key`")
                })?;
                let value = item.get("value").and_then(Value::as_f64).ok_or_else(|| {
                    MetricsError::input(
                        file_name,
                        loaded.line(&pointer),
                        format!("metric `{key}` has no numeric value"),
                    )
                })?;
                push(key, value, item.get("timestamp").and_then(mlflow_time), loaded.line(&pointer));
            }
        }
        Value::Object(entries) => {
            for (key, entry) in entries {
                let pointer = pointer_push(&metrics_pointer, key);
                match entry {
                    // `runs describe`: {key: latest value}
                    Value::Number(number) => {
                        push(key, number.as_f64().unwrap_or(f64::NAN), None, loaded.line(&pointer))
                    }
                    // export-import: {key: [{value, timestamp, step}]}, the full history
                    Value::Array(history) => {
                        for (index, step) in history.iter().enumerate() {
                            let step_pointer = format!("{pointer}/{index}");
                            let value = step.get("value").and_then(Value::as_f64).ok_or_else(|| {
                                MetricsError::input(
                                    file_name,
                                    loaded.line(&step_pointer),
                                    format!("metric `{key}` step {index} has no numeric value"),
                                )
                            })?;
                            push(key, value, step.get("timestamp").and_then(mlflow_time), loaded.line(&step_pointer));
                        }
                    }
                    _ => {
                        return Err(MetricsError::input(
                            file_name,
                            loaded.line(&pointer),
                            format!("metric `{key}` is neither a number nor a list of steps"),
                        ))
                    }
                }
            }
        }
        _ => {
            return Err(MetricsError::input(
                file_name,
                loaded.line(&metrics_pointer),
                "data.metrics is not a map or list",
            ))
        }
    }
    points.retain(|point| point.value.is_finite());
    Ok(ParsedMetrics { format: InputFormat::Mlflow, points, at: run_at })
}

/// MLflow times are Unix milliseconds, as numbers or (in `runs describe`) as text.
fn mlflow_time(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_str().and_then(|text| text.parse().ok()))
}

// ---------------------------------------------------------------- Hugging Face

fn model_index(file_name: &str, text: &str) -> Result<ParsedMetrics, MetricsError> {
    // A model card: the model-index sits in the front matter.
    let loaded = match split_front_matter(text) {
        Ok(Some((span, _))) => {
            Loaded::yaml(file_name, &text[span.yaml_start..span.yaml_end], span.yaml_start, span.first_line)?
        }
        Ok(None) => Loaded::yaml(file_name, text, 0, 1)?,
        Err((line, message)) => return Err(MetricsError::input(file_name, Some(line), message)),
    };
    let Some(models) = loaded.value.get("model-index").and_then(Value::as_array) else {
        return Err(MetricsError::input(file_name, loaded.line(""), "no `model-index` list in this model card"));
    };
    let mut points = Vec::new();
    for (model_number, model) in models.iter().enumerate() {
        let model_name = model.get("name").and_then(Value::as_str).unwrap_or_default();
        let results = model.get("results").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for (result_number, result) in results.iter().enumerate() {
            let dataset = result.get("dataset");
            let text_of = |key: &str| dataset.and_then(|dataset| dataset.get(key)).and_then(Value::as_str);
            let dataset_name = text_of("type").or_else(|| text_of("name")).unwrap_or("dataset");
            let config = text_of("config");
            let split = text_of("split");
            let metrics = result.get("metrics").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            for (metric_number, metric) in metrics.iter().enumerate() {
                let pointer = format!("/model-index/{model_number}/results/{result_number}/metrics/{metric_number}");
                let Some(metric_type) = metric.get("type").and_then(Value::as_str) else {
                    return Err(MetricsError::input(file_name, loaded.line(&pointer), "metric without a `type`"));
                };
                let Some(value) = hf_number(metric.get("value")) else {
                    return Err(MetricsError::input(
                        file_name,
                        loaded.line(&format!("{pointer}/value")),
                        format!("value of `{metric_type}` is not a number"),
                    ));
                };
                let mut name_parts: Vec<&str> = Vec::new();
                if models.len() > 1 {
                    name_parts.push(model_name);
                }
                name_parts.push(dataset_name);
                name_parts.extend(config);
                name_parts.extend(split);
                name_parts.push(metric_type);
                points.push(Point {
                    name: name_parts.join("/"),
                    metric: metric_type.to_string(),
                    slice: config.and_then(|config| slice_of(&[config])),
                    value,
                    at: None,
                    line: loaded.line(&pointer),
                });
            }
        }
    }
    Ok(ParsedMetrics { format: InputFormat::HfModelIndex, points, at: None })
}

/// A model card value: a number, or text that starts with one (`"20.0 ± 1.2"`).
fn hf_number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.split_whitespace().next().and_then(|first| first.parse().ok()),
        _ => None,
    }
}

fn eval_results(file_name: &str, loaded: &Loaded) -> Result<ParsedMetrics, MetricsError> {
    let Some(items) = loaded.value.as_array() else {
        return Err(MetricsError::input(file_name, loaded.line(""), "an .eval_results file is a list of results"));
    };
    let mut points = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let pointer = format!("/{index}");
        let dataset = item.get("dataset");
        let Some(dataset_id) = dataset.and_then(|dataset| dataset.get("id")).and_then(Value::as_str) else {
            return Err(MetricsError::input(file_name, loaded.line(&pointer), "result without `dataset.id`"));
        };
        let task = dataset.and_then(|dataset| dataset.get("task_id")).and_then(Value::as_str);
        let Some(value) = hf_number(item.get("value")) else {
            return Err(MetricsError::input(
                file_name,
                loaded.line(&format!("{pointer}/value")),
                format!("value of `{dataset_id}` is not a number"),
            ));
        };
        let metric = task.unwrap_or_else(|| dataset_id.rsplit('/').next().unwrap_or(dataset_id));
        let at = item.get("date").and_then(Value::as_str).map(|text| text.get(..10).unwrap_or(text).to_string());
        points.push(Point {
            name: match task {
                Some(task) => format!("{dataset_id}/{task}"),
                None => dataset_id.to_string(),
            },
            metric: metric.to_string(),
            slice: None,
            value,
            at,
            line: loaded.line(&pointer),
        });
    }
    Ok(ParsedMetrics { format: InputFormat::EvalResults, points, at: None })
}
