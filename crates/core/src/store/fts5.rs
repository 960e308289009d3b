//! What search asks of FTS5's C extension API (through rusqlite's `ffi`): the ranking function
//! `seam_bm25`, the snippet function `seam_snippet`, and the table's tokenizer, to see a query
//! word as the index stores it.
//!
//! `seam_bm25`, the function search ranks by: FTS5's own bm25 (same formula, same constants,
//! per-column weights), except for how it learns how many documents contain each phrase of the
//! query (the inverse document frequency, IDF).
//!
//! bm25 counts them by walking every phrase's whole posting list at the start of each ranked
//! query. For a common word that is every document of the project — 10k posting entries at 10k
//! documents, 100k at 100k — however few rows the query then ranks, and it was a third of a
//! broad search's time. `seam_bm25` counts up to [`IDF_SAMPLE`] documents, in rowid order; a
//! phrase with more is estimated from the share of the table's rowid range the sample covered
//! (`IDF_SAMPLE` hits in the first fifth of the rowids: five times as many in all). For such a
//! phrase (in at least 1,000 documents, 10% of a 10k project) the IDF is small either way, and
//! FTS5's formula clamps it to nearly nothing once the phrase is in half the documents; the
//! estimate only keeps its weight against the other phrases of the query about right.
//!
//! Called as `seam_bm25()`: the column weights are [`COLUMN_WEIGHTS`], and the table's rowid
//! range (the estimate's denominator) is what the store last put in the connection's
//! [`RankBounds`]. No SQL arguments, because FTS5 prepares a statement to evaluate a rank
//! function's arguments on every query.

use std::ffi::{c_int, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use rusqlite::ffi;

/// The name the ranking function is registered under.
pub(crate) const RANK_FUNCTION: &str = "seam_bm25";

/// Per column of the full-text table (title, id, tags, field_text, body): title highest.
pub(crate) const COLUMN_WEIGHTS: [f64; 5] = [10.0, 6.0, 4.0, 2.0, 1.0];

/// What `seam_bm25` reads besides FTS5, one per connection: the full-text table's smallest and
/// largest rowid for its estimates, set by the store before each search, and the documents'
/// lengths it has looked up.
#[derive(Debug, Default)]
pub(crate) struct RankBounds {
    first: AtomicI64,
    last: AtomicI64,
    lengths: std::sync::Mutex<DocumentLengths>,
}

/// Each document's length in tokens (all columns), by rowid, as ranking looked them up. FTS5
/// answers a length with a lookup in its `docsize` table through a prepared statement, for every
/// row a query ranks: a fifth of a search's time. The lengths stay valid until the table changes:
/// `stamp` is the connection's count of rows it changed and SQLite's `data_version` (which
/// moves when another connection commits) at the time they were looked up.
#[derive(Debug, Default)]
struct DocumentLengths {
    stamp: (u64, i64),
    /// 0: not looked up yet (a document's id is at least one token).
    tokens: Vec<u32>,
}

/// Rowids above this are not cached (a table whose rowids grew far past its documents).
const MAX_CACHED_ROWID: i64 = 4_000_000;

impl RankBounds {
    pub(crate) fn set(&self, first: i64, last: i64) {
        self.first.store(first, Ordering::Relaxed);
        self.last.store(last, Ordering::Relaxed);
    }

    fn get(&self) -> (i64, i64) {
        (self.first.load(Ordering::Relaxed), self.last.load(Ordering::Relaxed))
    }

    /// Forgets the cached lengths unless `stamp` (see [`DocumentLengths`]) is the one they were
    /// looked up under.
    pub(crate) fn keep_lengths_for(&self, stamp: (u64, i64)) {
        let mut lengths = self.lengths.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if lengths.stamp != stamp {
            lengths.stamp = stamp;
            lengths.tokens.clear();
        }
    }

    fn cached_length(&self, rowid: i64) -> Option<c_int> {
        let lengths = self.lengths.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let tokens = *lengths.tokens.get(usize::try_from(rowid).ok()?)?;
        (tokens > 0).then(|| c_int::try_from(tokens).unwrap_or(c_int::MAX))
    }

    fn remember_length(&self, rowid: i64, tokens: c_int) {
        let (Ok(index), Ok(tokens)) = (usize::try_from(rowid), u32::try_from(tokens)) else { return };
        if rowid > MAX_CACHED_ROWID {
            return;
        }
        let mut lengths = self.lengths.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if lengths.tokens.len() <= index {
            lengths.tokens.resize(index + 1, 0);
        }
        lengths.tokens[index] = tokens;
    }
}

/// The name the snippet function is registered under.
pub(crate) const SNIPPET_FUNCTION: &str = "seam_snippet";

/// The full-text table's tokenizer and its arguments (schema_v6.sql's `tokenize`).
const TOKENIZER: &CStr = c"porter";
const TOKENIZER_ARGS: [&CStr; 3] = [c"unicode61", c"remove_diacritics", c"2"];

/// Documents counted for a phrase's IDF before estimating the rest.
pub(crate) const IDF_SAMPLE: i64 = 1000;

/// bm25's constants, as FTS5 has them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Registers `seam_bm25` and `seam_snippet` on `conn` (each connection that searches needs
/// them); the returned bounds are the ones `seam_bm25` reads on this connection.
pub(crate) fn register(conn: &rusqlite::Connection) -> rusqlite::Result<Arc<RankBounds>> {
    let name = c"seam_bm25";
    debug_assert_eq!(name.to_str().ok(), Some(RANK_FUNCTION));
    let bounds = Arc::new(RankBounds::default());
    // SAFETY: the handle is a live connection for the duration of the calls; `fts5_api` returns
    // a pointer owned by that connection, valid while it is open. FTS5 owns the user data (one
    // reference to the bounds) once the function is created and releases it with
    // `release_bounds` when the connection closes; if creating fails, it is released here.
    unsafe {
        let db = conn.handle();
        let api = fts5_api(db)?;
        let create = (*api).xCreateFunction.ok_or_else(|| misuse("FTS5 has no xCreateFunction"))?;
        let user_data = Arc::into_raw(Arc::clone(&bounds)).cast_mut().cast::<c_void>();
        let created = create(api, name.as_ptr(), user_data, Some(seam_bm25), Some(release_bounds));
        if created != ffi::SQLITE_OK {
            release_bounds(user_data);
        }
        check(db, created)?;
        let snippet = c"seam_snippet";
        debug_assert_eq!(snippet.to_str().ok(), Some(SNIPPET_FUNCTION));
        check(db, create(api, snippet.as_ptr(), ptr::null_mut(), Some(seam_snippet), None))?;
    }
    Ok(bounds)
}

unsafe extern "C" fn release_bounds(user_data: *mut c_void) {
    drop(Arc::from_raw(user_data.cast_const().cast::<RankBounds>()));
}

/// The tokens the full-text table's tokenizer makes of `text` when it is a query (`prefix`: the
/// last word is being typed): the terms the index is searched for, stemmed.
pub(crate) fn query_tokens(conn: &rusqlite::Connection, text: &str, prefix: bool) -> rusqlite::Result<Vec<String>> {
    let length = c_int::try_from(text.len()).map_err(|_| misuse("query too long"))?;
    // SAFETY: as in `register`; the tokenizer instance is created and deleted here, and the
    // callback only appends to `tokens`, which outlives the call.
    unsafe {
        let db = conn.handle();
        let api = fts5_api(db)?;
        let find = (*api).xFindTokenizer.ok_or_else(|| misuse("FTS5 has no xFindTokenizer"))?;
        let mut user_data: *mut c_void = ptr::null_mut();
        let mut module: ffi::fts5_tokenizer = std::mem::zeroed();
        check(db, find(api, TOKENIZER.as_ptr(), &mut user_data, &mut module))?;
        let (Some(create), Some(delete), Some(tokenize)) = (module.xCreate, module.xDelete, module.xTokenize) else {
            return Err(misuse("incomplete FTS5 tokenizer"));
        };
        let mut args: Vec<*const std::ffi::c_char> = TOKENIZER_ARGS.iter().map(|arg| arg.as_ptr()).collect();
        let mut instance: *mut ffi::Fts5Tokenizer = ptr::null_mut();
        check(db, create(user_data, args.as_mut_ptr(), args.len() as c_int, &mut instance))?;
        let mut tokens: Vec<String> = Vec::new();
        let flags = ffi::FTS5_TOKENIZE_QUERY | if prefix { ffi::FTS5_TOKENIZE_PREFIX } else { 0 };
        let rc = tokenize(
            instance,
            (&mut tokens as *mut Vec<String>).cast::<c_void>(),
            flags,
            text.as_ptr().cast(),
            length,
            Some(collect_token),
        );
        delete(instance);
        check(db, rc)?;
        Ok(tokens)
    }
}

unsafe extern "C" fn collect_token(
    context: *mut c_void,
    flags: c_int,
    token: *const std::ffi::c_char,
    length: c_int,
    _start: c_int,
    _end: c_int,
) -> c_int {
    // Synonyms at the same position (FTS5_TOKEN_COLOCATED) are not a word of the query.
    if flags & ffi::FTS5_TOKEN_COLOCATED != 0 || token.is_null() || length < 0 {
        return ffi::SQLITE_OK;
    }
    let bytes = std::slice::from_raw_parts(token.cast::<u8>(), length as usize);
    (*context.cast::<Vec<String>>()).push(String::from_utf8_lossy(bytes).into_owned());
    ffi::SQLITE_OK
}

/// The connection's `fts5_api` (FTS5's documented way: `SELECT fts5(?1)` with a pointer bound).
unsafe fn fts5_api(db: *mut ffi::sqlite3) -> rusqlite::Result<*mut ffi::fts5_api> {
    let mut statement: *mut ffi::sqlite3_stmt = ptr::null_mut();
    check(db, ffi::sqlite3_prepare_v2(db, c"SELECT fts5(?1)".as_ptr(), -1, &mut statement, ptr::null_mut()))?;
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    let bound = ffi::sqlite3_bind_pointer(
        statement,
        1,
        (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
        c"fts5_api_ptr".as_ptr(),
        None,
    );
    let stepped = if bound == ffi::SQLITE_OK { ffi::sqlite3_step(statement) } else { bound };
    ffi::sqlite3_finalize(statement);
    if stepped != ffi::SQLITE_ROW {
        check(db, stepped)?;
    }
    if api.is_null() || (*api).iVersion < 2 {
        return Err(misuse("this SQLite has no FTS5 extension API"));
    }
    Ok(api)
}

fn misuse(message: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_MISUSE), Some(message.to_string()))
}

unsafe fn check(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Result<()> {
    if rc == ffi::SQLITE_OK {
        return Ok(());
    }
    let message = CStr::from_ptr(ffi::sqlite3_errmsg(db)).to_string_lossy().into_owned();
    Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), Some(message)))
}

/// What one query computes once: per phrase IDF, the average row length, a scratch array.
struct QueryData {
    idf: Vec<f64>,
    average_tokens: f64,
    frequencies: Vec<f64>,
}

/// A phrase's sample walk: matches seen, and the rowid of the last one.
struct Sample {
    hits: i64,
    last_rowid: i64,
}

unsafe extern "C" fn count_sample(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    user_data: *mut c_void,
) -> c_int {
    let sample = &mut *user_data.cast::<Sample>();
    sample.hits += 1;
    if sample.hits < IDF_SAMPLE {
        return ffi::SQLITE_OK;
    }
    if let Some(rowid) = (*api).xRowid {
        sample.last_rowid = rowid(fts);
    }
    // Ends xQueryPhrase's walk without an error.
    ffi::SQLITE_DONE
}

/// How many of `rows` documents contain a phrase, from its sample: exact below
/// [`IDF_SAMPLE`]; otherwise scaled by the share of the rowid range `first..=last` walked.
pub(crate) fn estimated_hits(hits: i64, last_rowid: i64, first: i64, last: i64, rows: i64) -> f64 {
    if hits < IDF_SAMPLE || last <= first {
        return hits as f64;
    }
    let walked = (last_rowid.clamp(first, last) - first + 1) as f64;
    let span = (last - first + 1) as f64;
    (hits as f64 * span / walked).min(rows as f64)
}

/// FTS5's IDF: `ln((N - n + 0.5) / (n + 0.5))`, at least 1e-6.
fn idf(rows: i64, hits: f64) -> f64 {
    let idf = ((rows as f64 - hits + 0.5) / (hits + 0.5)).ln();
    if idf <= 0.0 {
        1e-6
    } else {
        idf
    }
}

unsafe fn query_data(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    first_rowid: i64,
    last_rowid: i64,
) -> Result<*mut QueryData, c_int> {
    let get = api.xGetAuxdata.ok_or(ffi::SQLITE_MISUSE)?;
    let existing = get(fts, 0).cast::<QueryData>();
    if !existing.is_null() {
        return Ok(existing);
    }
    let phrases = api.xPhraseCount.ok_or(ffi::SQLITE_MISUSE)?(fts).max(0) as usize;
    let mut rows: ffi::sqlite3_int64 = 0;
    rc(api.xRowCount.ok_or(ffi::SQLITE_MISUSE)?(fts, &mut rows))?;
    let mut tokens: ffi::sqlite3_int64 = 0;
    rc(api.xColumnTotalSize.ok_or(ffi::SQLITE_MISUSE)?(fts, -1, &mut tokens))?;
    let query_phrase = api.xQueryPhrase.ok_or(ffi::SQLITE_MISUSE)?;
    let mut idfs = Vec::with_capacity(phrases);
    for phrase in 0..phrases {
        let mut sample = Sample { hits: 0, last_rowid };
        rc(query_phrase(fts, phrase as c_int, (&mut sample as *mut Sample).cast::<c_void>(), Some(count_sample)))?;
        idfs.push(idf(rows, estimated_hits(sample.hits, sample.last_rowid, first_rowid, last_rowid, rows)));
    }
    let data = Box::into_raw(Box::new(QueryData {
        idf: idfs,
        average_tokens: tokens as f64 / (rows.max(1)) as f64,
        frequencies: vec![0.0; phrases],
    }));
    let rc_set = api.xSetAuxdata.ok_or(ffi::SQLITE_MISUSE)?(fts, data.cast::<c_void>(), Some(drop_query_data));
    // On failure FTS5 has already called the destructor.
    rc(rc_set)?;
    Ok(data)
}

unsafe extern "C" fn drop_query_data(data: *mut c_void) {
    drop(Box::from_raw(data.cast::<QueryData>()));
}

fn rc(code: c_int) -> Result<(), c_int> {
    if code == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(code)
    }
}

unsafe fn score(api: &ffi::Fts5ExtensionApi, fts: *mut ffi::Fts5Context) -> Result<f64, c_int> {
    let bounds = api.xUserData.ok_or(ffi::SQLITE_MISUSE)?(fts).cast::<RankBounds>();
    let (first_rowid, last_rowid) = if bounds.is_null() { (0, 0) } else { (*bounds).get() };
    let data = &mut *query_data(api, fts, first_rowid, last_rowid)?;
    data.frequencies.iter_mut().for_each(|frequency| *frequency = 0.0);
    let mut instances: c_int = 0;
    rc(api.xInstCount.ok_or(ffi::SQLITE_MISUSE)?(fts, &mut instances))?;
    let inst = api.xInst.ok_or(ffi::SQLITE_MISUSE)?;
    for instance in 0..instances {
        let (mut phrase, mut column, mut offset) = (0, 0, 0);
        rc(inst(fts, instance, &mut phrase, &mut column, &mut offset))?;
        let weight = COLUMN_WEIGHTS.get(column as usize).copied().unwrap_or(1.0);
        if let Some(frequency) = data.frequencies.get_mut(phrase as usize) {
            *frequency += weight;
        }
    }
    let rowid = api.xRowid.ok_or(ffi::SQLITE_MISUSE)?(fts);
    let row_tokens = match (!bounds.is_null()).then(|| (*bounds).cached_length(rowid)).flatten() {
        Some(tokens) => tokens,
        None => {
            let mut tokens: c_int = 0;
            rc(api.xColumnSize.ok_or(ffi::SQLITE_MISUSE)?(fts, -1, &mut tokens))?;
            if !bounds.is_null() {
                (*bounds).remember_length(rowid, tokens);
            }
            tokens
        }
    };
    let length_norm = 1.0 - B + B * f64::from(row_tokens) / data.average_tokens;
    Ok(data
        .idf
        .iter()
        .zip(&data.frequencies)
        .map(|(idf, frequency)| idf * (frequency * (K1 + 1.0)) / (frequency + K1 * length_norm))
        .sum())
}

unsafe extern "C" fn seam_bm25(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    context: *mut ffi::sqlite3_context,
    _value_count: c_int,
    _values: *mut *mut ffi::sqlite3_value,
) {
    match score(&*api, fts) {
        // Lower is better, as with bm25, so `ORDER BY rank` puts the best first.
        Ok(score) => ffi::sqlite3_result_double(context, -score),
        Err(code) => ffi::sqlite3_result_error_code(context, code),
    }
}

// --- seam_snippet ------------------------------------------------------------------------------
//
// `seam_snippet(table, tokens)`: up to `tokens` tokens of the column that best shows the match,
// matched terms between U+0002 and U+0003, `…` where text was left out. FTS5's own snippet()
// tokenizes every matching column whole to find sentence starts and then the chosen one again
// to highlight it: for a hit in a 4 KB body that was a quarter of a search's time. This one
// picks the window from the match positions FTS5 already has and tokenizes the chosen column
// only up to the window's end.

/// Columns in the order a snippet prefers them when they show as many query phrases: body,
/// structured fields, tags, title, id (title and id are on the result already).
const SNIPPET_COLUMN_PREFERENCE: [c_int; 5] = [4, 3, 2, 0, 1];

/// The column to show and the first token of the window, from the row's matches
/// (phrase, column, token offset), or None without matches. The column showing the most
/// different phrases wins (ties by [`SNIPPET_COLUMN_PREFERENCE`]); in it, the window of `tokens`
/// tokens holding the most different phrases, starting a quarter of a window before its first
/// match so the match has some context.
pub(crate) fn snippet_window(matches: &[(c_int, c_int, c_int)], tokens: c_int) -> Option<(c_int, c_int)> {
    let distinct_phrases = |in_range: &dyn Fn(&(c_int, c_int, c_int)) -> bool| {
        let mut phrases: Vec<c_int> = matches.iter().filter(|m| in_range(m)).map(|m| m.0).collect();
        phrases.sort_unstable();
        phrases.dedup();
        phrases.len()
    };
    let column = SNIPPET_COLUMN_PREFERENCE
        .iter()
        .copied()
        .map(|column| (distinct_phrases(&|m| m.1 == column), column))
        .filter(|(count, _)| *count > 0)
        // max_by_key keeps the last of equals: reverse so the preferred column wins ties.
        .rev()
        .max_by_key(|(count, _)| *count)?
        .1;
    let tokens = tokens.max(1);
    let best_first_match = matches
        .iter()
        .filter(|m| m.1 == column)
        .map(|m| m.2)
        .map(|offset| (distinct_phrases(&|m| m.1 == column && m.2 >= offset && m.2 < offset + tokens), offset))
        // The earliest of the best windows.
        .fold(None, |best: Option<(usize, c_int)>, (count, offset)| match best {
            Some((best_count, best_offset)) if best_count > count || (best_count == count && best_offset <= offset) => {
                best
            }
            _ => Some((count, offset)),
        })?
        .1;
    Some((column, (best_first_match - tokens / 4).max(0)))
}

/// The snippet text: `text` from the window's first token to its last, marks around the
/// tokens at `marked` positions, `…` before when the window does not start the column and
/// after when tokens follow. `window` holds (position, byte start, byte end) of its tokens.
pub(crate) fn assemble_snippet(
    text: &str,
    window: &[(c_int, usize, usize)],
    marked: &[c_int],
    more_after: bool,
) -> String {
    let (Some(first), Some(last)) = (window.first(), window.last()) else { return String::new() };
    let mut out = String::with_capacity(last.2.saturating_sub(first.1) + 16);
    if first.0 > 0 {
        out.push('…');
    }
    let mut at = first.1;
    for &(position, start, end) in window {
        if !marked.contains(&position) || start < at || end > text.len() {
            continue;
        }
        out.push_str(text.get(at..start).unwrap_or(""));
        out.push(super::SNIPPET_MATCH_START);
        out.push_str(text.get(start..end).unwrap_or(""));
        out.push(super::SNIPPET_MATCH_END);
        at = end;
    }
    out.push_str(text.get(at..last.2.min(text.len())).unwrap_or(""));
    if more_after {
        out.push('…');
    }
    out
}

/// Collects the window's tokens while the column is tokenized, and stops after it.
struct WindowTokens {
    first: c_int,
    count: c_int,
    position: c_int,
    tokens: Vec<(c_int, usize, usize)>,
    more_after: bool,
}

unsafe extern "C" fn collect_window_token(
    context: *mut c_void,
    flags: c_int,
    _token: *const std::ffi::c_char,
    _length: c_int,
    start: c_int,
    end: c_int,
) -> c_int {
    let window = &mut *context.cast::<WindowTokens>();
    if flags & ffi::FTS5_TOKEN_COLOCATED != 0 {
        return ffi::SQLITE_OK;
    }
    let position = window.position;
    window.position += 1;
    if position >= window.first + window.count {
        window.more_after = true;
        return ffi::SQLITE_DONE;
    }
    if position >= window.first {
        window.tokens.push((position, start.max(0) as usize, end.max(0) as usize));
    }
    ffi::SQLITE_OK
}

unsafe fn snippet(api: &ffi::Fts5ExtensionApi, fts: *mut ffi::Fts5Context, tokens: c_int) -> Result<String, c_int> {
    let mut count: c_int = 0;
    rc(api.xInstCount.ok_or(ffi::SQLITE_MISUSE)?(fts, &mut count))?;
    let inst = api.xInst.ok_or(ffi::SQLITE_MISUSE)?;
    let mut matches = Vec::with_capacity(count.max(0) as usize);
    for index in 0..count {
        let (mut phrase, mut column, mut offset) = (0, 0, 0);
        rc(inst(fts, index, &mut phrase, &mut column, &mut offset))?;
        matches.push((phrase, column, offset));
    }
    let Some((column, first)) = snippet_window(&matches, tokens) else { return Ok(String::new()) };
    let (mut text, mut length): (*const std::ffi::c_char, c_int) = (ptr::null(), 0);
    rc(api.xColumnText.ok_or(ffi::SQLITE_MISUSE)?(fts, column, &mut text, &mut length))?;
    if text.is_null() || length <= 0 {
        return Ok(String::new());
    }
    let bytes = std::slice::from_raw_parts(text.cast::<u8>(), length as usize);
    let text = String::from_utf8_lossy(bytes);
    let mut window = WindowTokens { first, count: tokens.max(1), position: 0, tokens: Vec::new(), more_after: false };
    let tokenized = api.xTokenize.ok_or(ffi::SQLITE_MISUSE)?(
        fts,
        bytes.as_ptr().cast(),
        length,
        (&mut window as *mut WindowTokens).cast::<c_void>(),
        Some(collect_window_token),
    );
    if tokenized != ffi::SQLITE_OK && tokenized != ffi::SQLITE_DONE {
        return Err(tokenized);
    }
    let marked: Vec<c_int> = matches.iter().filter(|m| m.1 == column).map(|m| m.2).collect();
    Ok(assemble_snippet(&text, &window.tokens, &marked, window.more_after))
}

unsafe extern "C" fn seam_snippet(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    context: *mut ffi::sqlite3_context,
    value_count: c_int,
    values: *mut *mut ffi::sqlite3_value,
) {
    let tokens = if values.is_null() || value_count < 1 { 16 } else { ffi::sqlite3_value_int(*values).clamp(1, 64) };
    match snippet(&*api, fts, tokens) {
        Ok(text) => match c_int::try_from(text.len()) {
            Ok(length) => ffi::sqlite3_result_text(context, text.as_ptr().cast(), length, ffi::SQLITE_TRANSIENT()),
            Err(_) => ffi::sqlite3_result_error_code(context, ffi::SQLITE_TOOBIG),
        },
        Err(code) => ffi::sqlite3_result_error_code(context, code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_shows_the_column_and_window_with_the_most_query_phrases() {
        // Phrase 0 in the title (column 0) and the body (4) twice; phrase 1 only in the body, late.
        let matches = [(0, 0, 1), (0, 4, 2), (0, 4, 40), (1, 4, 45)];
        // The body shows both phrases; the window around 40..56 holds both, starting 4 before.
        assert_eq!(snippet_window(&matches, 16), Some((4, 36)));
        // Equal counts: the body is preferred to the title; the earliest window wins.
        assert_eq!(snippet_window(&[(0, 0, 0), (0, 4, 9), (0, 4, 30)], 16), Some((4, 5)));
        assert_eq!(snippet_window(&[(0, 0, 2)], 16), Some((0, 0)));
        assert_eq!(snippet_window(&[], 16), None);
    }

    #[test]
    fn the_snippet_marks_matches_and_says_where_text_was_left_out() {
        let text = "Alpha beta, gamma delta.";
        let tokens = [(1, 6, 10), (2, 12, 17), (3, 18, 23)];
        assert_eq!(assemble_snippet(text, &tokens, &[2], false), "…beta, \u{2}gamma\u{3} delta");
        assert_eq!(assemble_snippet(text, &[(0, 0, 5), (1, 6, 10)], &[0, 1], true), "\u{2}Alpha\u{3} \u{2}beta\u{3}…");
        assert_eq!(assemble_snippet(text, &[], &[0], false), "");
    }

    #[test]
    fn below_the_sample_the_count_is_exact() {
        assert_eq!(estimated_hits(999, 500, 1, 10_000, 10_000), 999.0);
    }

    #[test]
    fn a_full_sample_scales_by_the_share_of_rowids_walked() {
        // 1,000 hits within the first 2,000 of 10,000 rowids: about 5,000 in all.
        assert_eq!(estimated_hits(IDF_SAMPLE, 2_000, 1, 10_000, 10_000), 5_000.0);
        // Never more than the rows there are.
        assert_eq!(estimated_hits(IDF_SAMPLE, 1_000, 1, 100_000, 50_000), 50_000.0);
    }
}
