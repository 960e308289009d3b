//! Full-text search: turns the user's free text into a safe FTS5 query and ranks hits by bm25,
//! title weighted highest (weights are set on the table in the schema).

use rusqlite::params;

use super::database::sqlite_error_for;
use super::{SearchFilter, SearchHit, Store, StoreError};

/// Marks the start of a matched term in a snippet.
pub const SNIPPET_MATCH_START: char = '\u{2}';
/// Marks the end of a matched term in a snippet.
pub const SNIPPET_MATCH_END: char = '\u{3}';

/// Tokens of context around the best match in a snippet.
const SNIPPET_TOKENS: i64 = 16;

impl Store {
    /// Full-text search over title, id, tags, field_text and body, best first. `query` is free
    /// text: every whitespace-separated term must match (terms with punctuation match as a
    /// phrase, e.g. `fraud-scoring`), the last term also matches as a prefix unless the query
    /// ends with a space. Never fails on FTS syntax; a query without searchable terms finds
    /// nothing. Snippets mark matched terms with U+0002 … U+0003.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        self.search_filtered(query, &SearchFilter::default(), limit)
    }

    /// [`Store::search`] narrowed by `filter`, applied in SQL before the limit (so a filter never
    /// hides hits that a larger limit would have shown). With filters and no searchable terms,
    /// every document passing the filters is a hit, ordered by kind and title, without snippet.
    pub fn search_filtered(
        &self,
        query: &str,
        filter: &SearchFilter,
        limit: usize,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let Some(fts_query) = fts_query(query) else {
            if filter.is_empty() {
                return Ok(Vec::new());
            }
            let mut statement = self
                .conn
                .prepare_cached(&format!(
                    "SELECT d.rel_path, d.id, d.kind, d.title, '' AS snippet, 0.0 AS rank
                     FROM documents AS d
                     WHERE {FILTER_SQL}
                     ORDER BY d.kind IS NULL, d.kind, d.title, d.rel_path
                     LIMIT ?2"
                ))
                .map_err(&sqlite_error)?;
            let rows = statement
                .query_map(
                    params![
                        Option::<String>::None,
                        limit,
                        SNIPPET_TOKENS,
                        filter.kind,
                        filter.status,
                        filter.owner,
                        filter.tag
                    ],
                    search_hit,
                )
                .map_err(&sqlite_error)?;
            return rows.collect::<Result<Vec<_>, _>>().map_err(&sqlite_error);
        };
        // Unfiltered, the inner query lets FTS5 sort by rank itself and compute snippets only for
        // the rows that survive the limit; filtered, the join comes first so the limit counts only
        // documents that pass.
        let sql = if filter.is_empty() {
            "SELECT d.rel_path, d.id, d.kind, d.title, hit.snippet, hit.rank
             FROM (
                 SELECT rowid, rank,
                        snippet(documents_fts, -1, char(2), char(3), '…', ?3) AS snippet
                 FROM documents_fts
                 WHERE documents_fts MATCH ?1
                 ORDER BY rank
                 LIMIT ?2
             ) AS hit
             JOIN documents AS d ON d.doc_rowid = hit.rowid
             ORDER BY hit.rank"
                .to_string()
        } else {
            format!(
                "SELECT d.rel_path, d.id, d.kind, d.title,
                        snippet(documents_fts, -1, char(2), char(3), '…', ?3) AS snippet, documents_fts.rank
                 FROM documents_fts
                 JOIN documents AS d ON d.doc_rowid = documents_fts.rowid
                 WHERE documents_fts MATCH ?1 AND {FILTER_SQL}
                 ORDER BY documents_fts.rank
                 LIMIT ?2"
            )
        };
        let mut statement = self.conn.prepare_cached(&sql).map_err(&sqlite_error)?;
        let rows = if filter.is_empty() {
            statement.query_map(params![fts_query, limit, SNIPPET_TOKENS], search_hit)
        } else {
            statement.query_map(
                params![fts_query, limit, SNIPPET_TOKENS, filter.kind, filter.status, filter.owner, filter.tag],
                search_hit,
            )
        }
        .map_err(&sqlite_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&sqlite_error)
    }
}

/// The filter conditions on `documents AS d`; parameters ?4 kind, ?5 status, ?6 owner, ?7 tag.
/// Owners and tags compare without case, as people type them.
const FILTER_SQL: &str = "(?4 IS NULL OR d.kind = ?4)
     AND (?5 IS NULL OR d.status = ?5)
     AND (?6 IS NULL OR EXISTS (SELECT 1 FROM json_each(d.owners) WHERE lower(value) = lower(?6)))
     AND (?7 IS NULL OR EXISTS (SELECT 1 FROM json_each(d.tags) WHERE lower(value) = lower(?7)))";

/// One search result row: rel_path, id, kind, title, snippet, bm25.
fn search_hit(row: &rusqlite::Row<'_>) -> rusqlite::Result<SearchHit> {
    let bm25: f64 = row.get(5)?;
    Ok(SearchHit {
        rel_path: row.get(0)?,
        id: row.get(1)?,
        kind: row.get(2)?,
        title: row.get(3)?,
        snippet: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
        // FTS5's bm25 is negative, lower is better; flip it so higher is better (0 stays 0, not -0).
        rank: if bm25 == 0.0 { 0.0 } else { -bm25 },
    })
}

/// Builds an FTS5 MATCH expression from free text, or None when nothing is searchable.
/// Each whitespace-separated term becomes a quoted string (so `AND`, `NEAR`, `*`, `:`, `-`, `(`
/// are just text), terms are ANDed, and the last gets `*` for prefix matching while typing.
/// Terms with no letter or digit are dropped: the tokenizer would turn them into an empty phrase.
pub(crate) fn fts_query(user_query: &str) -> Option<String> {
    let terms: Vec<&str> =
        user_query.split_whitespace().filter(|term| term.chars().any(char::is_alphanumeric)).collect();
    let last_index = terms.len().checked_sub(1)?;
    let still_typing_last_term = !user_query.ends_with(char::is_whitespace);
    let quoted: Vec<String> = terms
        .iter()
        .enumerate()
        .map(|(index, term)| {
            let mut quoted = format!("\"{}\"", term.replace('"', "\"\""));
            if index == last_index && still_typing_last_term {
                quoted.push('*');
            }
            quoted
        })
        .collect();
    Some(quoted.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(fts_query("fraud recal").as_deref(), Some("\"fraud\" \"recal\"*"));
        assert_eq!(fts_query("recall ").as_deref(), Some("\"recall\""));
        assert_eq!(fts_query("say \"hi\"").as_deref(), Some("\"say\" \"\"\"hi\"\"\"*"));
    }

    #[test]
    fn queries_without_searchable_terms_are_none() {
        assert_eq!(fts_query(""), None);
        assert_eq!(fts_query("   "), None);
        assert_eq!(fts_query("* - : \" ("), None);
    }
}
