//! Full-text search: turns the user's free text into a safe FTS5 query and ranks hits by bm25,
//! title weighted highest (weights are set on the table in the schema).

use rusqlite::{params, OptionalExtension};

use super::database::sqlite_error_for;
use super::{SearchFilter, SearchHit, Store, StoreError};

/// Marks the start of a matched term in a snippet.
pub const SNIPPET_MATCH_START: char = '\u{2}';
/// Marks the end of a matched term in a snippet.
pub const SNIPPET_MATCH_END: char = '\u{3}';

/// Tokens in a snippet (`seam_snippet`, store/fts5.rs), the best match a quarter of the way in.
const SNIPPET_TOKENS: i64 = 16;

impl Store {
    /// Full-text search over title, id, tags, field_text and body, best first. `query` is free
    /// text: every whitespace-separated term must match (terms with punctuation match as a
    /// phrase, e.g. `fraud-scoring`), the last term also matches as a prefix unless the query
    /// ends with a space or the term's last part is a single character. Never fails on FTS
    /// syntax; a query without searchable terms finds nothing. Snippets mark matched terms with
    /// U+0002 … U+0003. A query matching more than [`RANK_CANDIDATES`] documents is ranked in
    /// parts (see `Store::ranked`).
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
        self.set_rank_bounds()?;
        // A spelled-out prefix is walked lazily, so it is its own probe.
        let (fts_query, probe_query) = match self.spelled_out_prefix(query, &fts_query)? {
            Some(spelled_out) => (spelled_out.clone(), spelled_out),
            None => (fts_query.clone(), fts_probe_query(query).unwrap_or(fts_query)),
        };
        if filter.is_empty() {
            return self.ranked(&fts_query, &probe_query, limit);
        }
        // Filtered, the join comes first so the limit counts only documents that pass.
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT d.rel_path, d.id, d.kind, d.title,
                        seam_snippet(documents_fts, ?3) AS snippet, documents_fts.rank
                 FROM documents_fts
                 JOIN documents AS d ON d.doc_rowid = documents_fts.rowid
                 WHERE documents_fts MATCH ?1 AND documents_fts.rank MATCH 'seam_bm25()' AND {FILTER_SQL}
                 ORDER BY documents_fts.rank
                 LIMIT ?2"
            ))
            .map_err(&sqlite_error)?;
        let rows = statement
            .query_map(
                params![fts_query, limit, SNIPPET_TOKENS, filter.kind, filter.status, filter.owner, filter.tag],
                search_hit,
            )
            .map_err(&sqlite_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&sqlite_error)
    }

    /// The unfiltered search, best first. Ranking costs about a microsecond or two per matching
    /// document, so a query that matches most of a 100k project (a common word, the first
    /// letters of a word being typed) would take a quarter of a second on every keystroke. Up to
    /// [`RANK_CANDIDATES`] matches are ranked exactly. A broader query ranks, first, the documents
    /// that match in their title, id or tags (bm25 weights those columns highest, so they are
    /// the ones an exact ranking puts on top), then fills the rest with the best of the
    /// [`RANK_CANDIDATES`] most recently added documents that match anywhere; each part ranks at
    /// most [`RANK_CANDIDATES`] documents.
    ///
    /// The counting and the windows use `probe_query`: the query itself when its last word is
    /// spelled out ([`Store::spelled_out_prefix`]), otherwise [`fts_probe_query`], a query
    /// matching a superset that FTS5 answers without expanding a long prefix: a window then holds
    /// at most [`RANK_CANDIDATES`] matches of the real query, and only the ranking expands it.
    fn ranked(&self, fts_query: &str, probe_query: &str, limit: i64) -> Result<Vec<SearchHit>, StoreError> {
        let Some(floor) = self.candidate_floor(probe_query)? else {
            return self.ranked_above(fts_query, i64::MIN, limit);
        };
        // Ranked by their title, id and tags alone: matching anywhere adds nothing to the set
        // (a title match is a match), and leaving the body's phrases out halves what the
        // ranking reads.
        let in_titles = format!("{{title id tags}} : ({fts_query})");
        let probe_in_titles = format!("{{title id tags}} : ({probe_query})");
        // Finding no title match costs a walk of the terms' posting lists; the title part's own
        // walks come only after some title is known to match.
        let mut hits = if self.matches_any(&probe_in_titles)? {
            let title_floor = self.candidate_floor(&probe_in_titles)?.unwrap_or(i64::MIN);
            self.ranked_above(&in_titles, title_floor, limit)?
        } else {
            Vec::new()
        };
        let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
        if hits.len() < wanted {
            let seen: std::collections::HashSet<String> = hits.iter().map(|hit| hit.rel_path.clone()).collect();
            let more = self.ranked_above(fts_query, floor, limit)?;
            hits.extend(more.into_iter().filter(|hit| !seen.contains(&hit.rel_path)).take(wanted - hits.len()));
        }
        if hits.len() < wanted {
            // The windows held fewer matches than asked for: the probe's superset was broad but
            // the query itself is not (a rare word behind a common prefix). Rank it whole.
            return self.ranked_above(fts_query, i64::MIN, limit);
        }
        Ok(hits)
    }

    /// Whether `fts_query` matches any document (stops at the first).
    fn matches_any(&self, fts_query: &str) -> Result<bool, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        self.conn
            .prepare_cached("SELECT 1 FROM documents_fts WHERE documents_fts MATCH ?1 LIMIT 1")
            .map_err(&sqlite_error)?
            .exists([fts_query])
            .map_err(&sqlite_error)
    }

    /// None when `fts_query` matches at most [`RANK_CANDIDATES`] documents; otherwise the rowid
    /// below the [`RANK_CANDIDATES`] newest matches (rowids grow as documents are added). Walks
    /// the posting lists without ranking, newest first, and stops there.
    fn candidate_floor(&self, fts_query: &str) -> Result<Option<i64>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        self.conn
            .prepare_cached(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1
                 ORDER BY rowid DESC LIMIT 1 OFFSET ?2",
            )
            .map_err(&sqlite_error)?
            .query_row(params![fts_query, RANK_CANDIDATES], |row| row.get(0))
            .optional()
            .map_err(&sqlite_error)
    }

    /// `fts_query` with its last word, a prefix longer than the prefix indexes hold, spelled out
    /// as the index terms it stands for: `"time"*` becomes `("time" OR "timelin" OR
    /// "timeout")`. FTS5 expands such a prefix by reading and merging the whole posting lists of
    /// all those terms before the first row (14 ms for `data` at 100k documents, on every
    /// keystroke), where an OR of terms is walked lazily, only as far as a window reaches. The
    /// terms come from the index's term list (an fts5vocab table), looked up from the prefix as
    /// the tokenizer stems it; when no term starts with it, the index terms the typed word runs
    /// past ([`Store::stems_typed_past`]). Left as it is when the prefix stands for more than
    /// [`MAX_SPELLED_OUT_TERMS`] terms: None.
    pub(super) fn spelled_out_prefix(&self, user_query: &str, fts_query: &str) -> Result<Option<String>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let Some(word) = user_query.split_whitespace().last() else { return Ok(None) };
        let typing_a_long_word = !user_query.ends_with(char::is_whitespace)
            && word.chars().all(char::is_alphanumeric)
            && word.chars().count() > INDEXED_PREFIX_CHARS;
        let Some(head) = fts_query.strip_suffix(&format!("\"{word}\"*")).filter(|_| typing_a_long_word) else {
            return Ok(None);
        };
        let stems = super::fts5::query_tokens(&self.conn, word, true).map_err(&sqlite_error)?;
        let [stem] = stems.as_slice() else { return Ok(None) };
        if stem.chars().count() <= INDEXED_PREFIX_CHARS {
            return Ok(None);
        }
        let terms: Vec<String> = self
            .conn
            .prepare_cached("SELECT term FROM temp.documents_fts_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3")
            .map_err(&sqlite_error)?
            .query_map(params![stem, format!("{stem}\u{10FFFF}"), MAX_SPELLED_OUT_TERMS as i64 + 1], |row| row.get(0))
            .map_err(&sqlite_error)?
            .collect::<Result<_, _>>()
            .map_err(&sqlite_error)?;
        if terms.len() > MAX_SPELLED_OUT_TERMS {
            return Ok(None);
        }
        // No term starts with what is typed: the word's stem may be shorter than the text.
        let terms = if terms.is_empty() { self.stems_typed_past(word)? } else { terms };
        if terms.is_empty() {
            return Ok(None);
        }
        // A term the tokenizer stems further (`databas` → `databa`) cannot be asked for as
        // itself; as a prefix of its own it still matches the term, and nothing outside the
        // typed prefix, with a small eager expansion.
        let stemmed = super::fts5::query_tokens(&self.conn, &terms.join(" "), false).map_err(&sqlite_error)?;
        if stemmed.len() != terms.len()
            || !stemmed.iter().zip(&terms).all(|(token, term)| token == term || token.starts_with(stem.as_str()))
        {
            return Ok(None);
        }
        let alternatives: Vec<String> = terms
            .iter()
            .zip(&stemmed)
            .map(|(term, token)| {
                let quoted = format!("\"{}\"", term.replace('"', "\"\""));
                if token == term {
                    quoted
                } else {
                    format!("{quoted}*")
                }
            })
            .collect();
        // FTS5 takes a group after a phrase only with an explicit AND.
        let and = if head.is_empty() { "" } else { "AND " };
        Ok(Some(format!("{head}{and}({})", alternatives.join(" OR "))))
    }

    /// Index terms that are the start of `word` as typed so far, longer than the prefix indexes
    /// and at least half of it: the stems of the words being typed when the stem is shorter than
    /// what is typed. `routing` is indexed as `rout`, so `routi` and `routin` match no term
    /// starting with them; FTS5 alone found nothing for them (nor for `escalat`, on the way to
    /// `escalation`, stored as `escal`). Matching `rout` also finds `route`: while a word is
    /// being typed, more rather than nothing; but not `score` for `scoreboar`, whose rest is no
    /// ending the stemmer strips.
    fn stems_typed_past(&self, word: &str) -> Result<Vec<String>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let typed = word.to_lowercase();
        let length = typed.chars().count();
        let candidates: Vec<&str> = typed
            .char_indices()
            .map(|(at, _)| &typed[..at])
            .filter(|start| {
                let chars = start.chars().count();
                chars >= INDEXED_PREFIX_CHARS.max(length.div_ceil(2)) && chars < length
            })
            .collect();
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let tokens = super::fts5::query_tokens(&self.conn, &candidates.join(" "), false).map_err(&sqlite_error)?;
        if tokens.len() != candidates.len() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for (candidate, token) in candidates.iter().zip(&tokens) {
            // Only a start the tokenizer leaves as it is can be asked for as itself, and only
            // when the rest typed could be the start of an ending the stemmer strips.
            let rest = &typed[candidate.len()..];
            if candidate == token
                && could_be_a_stripped_ending(candidate, rest)
                && self.matches_any(&format!("\"{candidate}\""))?
            {
                found.push(token.clone());
            }
        }
        Ok(found)
    }

    /// Gives the ranking function (`seam_bm25`, store/fts5.rs, named in the ranked queries'
    /// `rank MATCH`) the table's current rowid range, and lets it keep the document lengths it
    /// looked up unless the table changed since (a write on this connection or a commit on
    /// another); once per search.
    fn set_rank_bounds(&self) -> Result<(), StoreError> {
        let (first, last): (Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached("SELECT (SELECT min(doc_rowid) FROM documents), (SELECT max(doc_rowid) FROM documents)")
            .and_then(|mut statement| statement.query_row([], |row| Ok((row.get(0)?, row.get(1)?))))
            .map_err(sqlite_error_for(&self.path))?;
        self.rank_bounds.set(first.unwrap_or(0), last.unwrap_or(0));
        let data_version: i64 =
            self.conn.query_row("PRAGMA data_version", [], |row| row.get(0)).map_err(sqlite_error_for(&self.path))?;
        self.rank_bounds.keep_lengths_for((self.conn.total_changes(), data_version));
        Ok(())
    }

    /// The best `limit` matches of `fts_query` among documents with a rowid above `floor`, with
    /// snippets. Ordered by FTS5's `rank` column (`seam_bm25`, see [`Store::set_rank_bounds`]):
    /// FTS5 then sorts inside the table and computes snippets only for the rows that survive the
    /// limit; ordering by a bm25(…) expression would make SQLite compute every matching row's
    /// snippet before sorting.
    fn ranked_above(&self, fts_query: &str, floor: i64, limit: i64) -> Result<Vec<SearchHit>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT d.rel_path, d.id, d.kind, d.title, hit.snippet, hit.rank
                 FROM (
                     SELECT rowid, rank,
                            seam_snippet(documents_fts, ?3) AS snippet
                     FROM documents_fts
                     WHERE documents_fts MATCH ?1 AND rowid > ?4 AND rank MATCH 'seam_bm25()'
                     ORDER BY rank
                     LIMIT ?2
                 ) AS hit
                 JOIN documents AS d ON d.doc_rowid = hit.rowid
                 ORDER BY hit.rank",
            )
            .map_err(&sqlite_error)?;
        let rows =
            statement.query_map(params![fts_query, limit, SNIPPET_TOKENS, floor], search_hit).map_err(&sqlite_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&sqlite_error)
    }
}

/// Whether `rest`, typed after `stem`, could begin an ending the Porter stemmer removes: the
/// endings begin with a vowel or `y` (`-ing`, `-ation`, `-ed`, `-y`), double the stem's last
/// consonant (`hopp|ing`), or are one of a few consonant-led ones (`-s`, `-ful`, `-ness`,
/// `-ment`, `-tional`, `-bli`).
fn could_be_a_stripped_ending(stem: &str, rest: &str) -> bool {
    const CONSONANT_LED: [&str; 6] = ["s", "fulness", "ness", "ment", "tional", "bli"];
    match rest.chars().next() {
        None => false,
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'y') => true,
        Some(first) => stem.ends_with(first) || CONSONANT_LED.iter().any(|ending| ending.starts_with(rest)),
    }
}

/// Most index terms a long prefix is spelled out as (see `Store::spelled_out_prefix`).
const MAX_SPELLED_OUT_TERMS: usize = 16;

/// Matches ranked exactly by one query part, at most (see `Store::ranked`).
pub const RANK_CANDIDATES: i64 = 1000;

/// The prefix lengths the full-text table has an index for, the longest (schema v6).
const INDEXED_PREFIX_CHARS: usize = 3;

/// The last word matches as a prefix once its last part has this many characters (the table
/// has prefix indexes for 2 and 3); a single character matches as a whole word, so typing the
/// first letter does not expand to every term starting with it.
const MIN_PREFIX_CHARS: usize = 2;

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
    fts_query_with(user_query, usize::MAX)
}

/// [`fts_query`] with the last word's last part cut to the prefix index's length when it is a
/// longer prefix: it matches every document the full query matches, and some more. FTS5 reads the
/// whole posting list of every term a prefix without an index expands to (tens of milliseconds
/// for a common word at 100k documents), so counting and windowing use this query, which walks
/// a single prefix-index entry lazily instead.
pub(crate) fn fts_probe_query(user_query: &str) -> Option<String> {
    fts_query_with(user_query, INDEXED_PREFIX_CHARS)
}

fn fts_query_with(user_query: &str, prefix_chars: usize) -> Option<String> {
    let terms: Vec<&str> =
        user_query.split_whitespace().filter(|term| term.chars().any(char::is_alphanumeric)).collect();
    let last_index = terms.len().checked_sub(1)?;
    let still_typing_last_term = !user_query.ends_with(char::is_whitespace);
    let quoted: Vec<String> = terms
        .iter()
        .enumerate()
        .map(|(index, term)| {
            let last_part = last_part_chars(term);
            if index == last_index && still_typing_last_term && last_part >= MIN_PREFIX_CHARS {
                let cut = last_part.saturating_sub(prefix_chars);
                format!("\"{}\"*", without_last_chars(term, cut).replace('"', "\"\""))
            } else {
                format!("\"{}\"", term.replace('"', "\"\""))
            }
        })
        .collect();
    Some(quoted.join(" "))
}

/// `term` without its last `count` letters and digits (and the punctuation after them).
fn without_last_chars(term: &str, count: usize) -> &str {
    if count == 0 {
        return term;
    }
    let mut seen = 0;
    for (at, c) in term.char_indices().rev() {
        if c.is_alphanumeric() {
            seen += 1;
            if seen == count {
                return &term[..at];
            }
        }
    }
    term
}

/// Characters in the last run of letters and digits of `term` (what the tokenizer makes its
/// last token): `fraud-sc` → 2.
fn last_part_chars(term: &str) -> usize {
    term.chars().rev().skip_while(|c| !c.is_alphanumeric()).take_while(|c| c.is_alphanumeric()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(fts_query("fraud recal").as_deref(), Some("\"fraud\" \"recal\"*"));
        assert_eq!(fts_query("recall ").as_deref(), Some("\"recall\""));
        assert_eq!(fts_query("say \"hi\"").as_deref(), Some("\"say\" \"\"\"hi\"\"\"*"));
        // A single character does not expand to every term starting with it; two do.
        assert_eq!(fts_query("fraud r").as_deref(), Some("\"fraud\" \"r\""));
        assert_eq!(fts_query("req-0").as_deref(), Some("\"req-0\""));
        assert_eq!(fts_query("req-00").as_deref(), Some("\"req-00\"*"));
        assert_eq!(fts_query("fraud-").as_deref(), Some("\"fraud-\"*"));
    }

    #[test]
    fn the_probe_query_cuts_a_long_last_prefix_to_the_indexed_length() {
        assert_eq!(fts_probe_query("account ticke").as_deref(), Some("\"account\" \"tic\"*"));
        assert_eq!(fts_probe_query("fraud-scoring").as_deref(), Some("\"fraud-sco\"*"));
        assert_eq!(fts_probe_query("req-0042").as_deref(), Some("\"req-004\"*"));
        // Short prefixes, finished words and whole-word terms are left as they are.
        assert_eq!(fts_probe_query("tic").as_deref(), Some("\"tic\"*"));
        assert_eq!(fts_probe_query("ticket ").as_deref(), Some("\"ticket\""));
        assert_eq!(fts_probe_query("fraud r").as_deref(), Some("\"fraud\" \"r\""));
        assert_eq!(fts_probe_query("résumé").as_deref(), Some("\"rés\"*"));
    }

    #[test]
    fn endings_the_stemmer_strips_are_told_from_other_letters() {
        assert!(could_be_a_stripped_ending("rout", "i"));
        assert!(could_be_a_stripped_ending("escal", "ati"));
        assert!(could_be_a_stripped_ending("hop", "p"));
        assert!(could_be_a_stripped_ending("hope", "f"));
        assert!(could_be_a_stripped_ending("label", "s"));
        assert!(!could_be_a_stripped_ending("rout", "x"));
        assert!(!could_be_a_stripped_ending("score", "boar"));
        assert!(!could_be_a_stripped_ending("label", "sx"));
        assert!(!could_be_a_stripped_ending("rout", ""));
    }

    #[test]
    fn queries_without_searchable_terms_are_none() {
        assert_eq!(fts_query(""), None);
        assert_eq!(fts_query("   "), None);
        assert_eq!(fts_query("* - : \" ("), None);
    }
}
