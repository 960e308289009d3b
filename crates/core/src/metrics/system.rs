//! The graph of the system for the dashboard: components (contracts' providers and consumers,
//! requirement sheets' `component`), the contracts between them and the datasets they use. Each
//! node carries its status and its open issues (lint issues of its document plus unresolved
//! comments on it); a component's status is the worst verdict of its requirement sheet's rows.

use std::collections::BTreeMap;

use super::{RowStatus, SheetReport};
use crate::document::model::Typed;
use crate::document::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    Component,
    Contract,
    Dataset,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Component => "component",
            NodeKind::Contract => "contract",
            NodeKind::Dataset => "dataset",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GraphNode {
    /// `component:<name>`, or the document id of a contract or dataset.
    pub key: String,
    pub kind: NodeKind,
    pub label: String,
    /// Documents: their `status`; components: the worst row verdict of their sheet
    /// (`pass`/`warn`/`fail`/`missing`), or None without a sheet.
    pub status: Option<String>,
    pub open_issues: usize,
    /// The document behind the node (the component's requirement sheet).
    pub rel_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    /// `provides` (component → contract), `consumes` (contract → component), `uses` (contract → dataset).
    pub relation: &'static str,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SystemGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

/// What the graph needs of one document: contracts, datasets and requirement sheets have a
/// part in it; other documents none. Made while parsing, so a project's graph is built without
/// holding its parsed documents.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphFacts {
    pub id: String,
    pub rel_path: String,
    pub title: String,
    pub status: Option<String>,
    pub part: GraphPart,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GraphPart {
    Contract { provider: Option<String>, consumers: Vec<String>, datasets: Vec<String> },
    Dataset,
    Requirements { component: Option<String> },
}

impl GraphFacts {
    pub fn of(document: &Document) -> Option<GraphFacts> {
        let part = match &document.typed {
            Some(Typed::Contract(contract)) => GraphPart::Contract {
                provider: contract.provider.as_ref().map(|provider| provider.component.clone()),
                consumers: contract.consumers.iter().map(|consumer| consumer.component.clone()).collect(),
                datasets: contract.datasets.clone(),
            },
            Some(Typed::Dataset(_)) => GraphPart::Dataset,
            Some(Typed::Requirements(sheet)) => GraphPart::Requirements { component: sheet.component.clone() },
            _ => return None,
        };
        Some(GraphFacts {
            id: document.id.clone(),
            rel_path: document.rel_path.clone(),
            title: document.title(),
            status: document.status(),
            part,
        })
    }
}

/// Builds the graph from the project's documents (their [`GraphFacts`]), their open-issue counts
/// (by file) and the sheets' reports.
pub fn system_graph(
    documents: &[GraphFacts],
    open_issues: &BTreeMap<String, usize>,
    reports: &[SheetReport],
) -> SystemGraph {
    let mut nodes: BTreeMap<String, GraphNode> = BTreeMap::new();
    let mut edges = Vec::new();
    let issues_of = |rel_path: &str| open_issues.get(rel_path).copied().unwrap_or(0);
    let component = |name: &str| format!("component:{name}");
    let ensure_component = |nodes: &mut BTreeMap<String, GraphNode>, name: &str| {
        nodes.entry(component(name)).or_insert_with(|| GraphNode {
            key: component(name),
            kind: NodeKind::Component,
            label: name.to_string(),
            status: None,
            open_issues: 0,
            rel_path: None,
        });
    };
    let document_node = |document: &GraphFacts, kind: NodeKind| GraphNode {
        key: document.id.clone(),
        kind,
        label: document.title.clone(),
        status: document.status.clone(),
        open_issues: issues_of(&document.rel_path),
        rel_path: Some(document.rel_path.clone()),
    };
    for document in documents {
        match &document.part {
            GraphPart::Contract { provider, consumers, datasets } => {
                nodes.insert(document.id.clone(), document_node(document, NodeKind::Contract));
                if let Some(provider) = provider {
                    ensure_component(&mut nodes, provider);
                    edges.push(GraphEdge { from: component(provider), to: document.id.clone(), relation: "provides" });
                }
                for consumer in consumers {
                    ensure_component(&mut nodes, consumer);
                    edges.push(GraphEdge { from: document.id.clone(), to: component(consumer), relation: "consumes" });
                }
                for dataset in datasets {
                    edges.push(GraphEdge { from: document.id.clone(), to: dataset.clone(), relation: "uses" });
                }
            }
            GraphPart::Dataset => {
                nodes.insert(document.id.clone(), document_node(document, NodeKind::Dataset));
            }
            GraphPart::Requirements { component: Some(name) } => ensure_component(&mut nodes, name),
            GraphPart::Requirements { component: None } => {}
        }
    }
    for report in reports {
        let Some(name) = &report.component else { continue };
        let Some(node) = nodes.get_mut(&component(name)) else { continue };
        let worst = [RowStatus::Fail, RowStatus::Warn, RowStatus::Missing, RowStatus::Pass]
            .into_iter()
            .find(|status| report.rows.iter().any(|row| row.status == *status));
        node.status = worst.map(|status| status.as_str().to_string());
        node.rel_path = Some(report.rel_path.clone());
        node.open_issues += issues_of(&report.rel_path);
    }
    // Edges to datasets no document describes are dropped (lint reports the broken link).
    edges.retain(|edge| nodes.contains_key(&edge.from) && nodes.contains_key(&edge.to));
    SystemGraph { nodes: nodes.into_values().collect(), edges }
}
