//! Search as you type over the member directory, fast at 100k members.
//!
//! Every member has a folded `search_text` (name, email, tags; see `store`), indexed by the
//! FTS5 trigram table `member_search`. A typed word of three or more letters is a substring
//! match through that index ("mull" finds "Müller"); the trigram tokenizer cannot look up one or
//! two letters, so a query made only of such short words matches names that start with them
//! (an index range on `name_key`, like a phone's contact list). Short words next to long ones
//! are checked against the few rows the index already found.

use rusqlite::{params_from_iter, types::Value, Connection};

use super::model::{MemberList, MemberQuery};
use super::store::{member_from_row, SELECT_MEMBER};
use crate::error::Result;
use crate::text::fold;

const DEFAULT_LIMIT: u32 = 200;
const MAX_LIMIT: u32 = 1_000;

/// An FTS5 string literal: the word in double quotes, inner quotes doubled, so nothing typed is
/// read as FTS query syntax.
fn fts_phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// A LIKE pattern matching `word` anywhere, with `%`, `_` and `\` taken literally.
fn contains_pattern(word: &str) -> String {
    let mut p = String::with_capacity(word.len() + 2);
    p.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The smallest string greater than every string starting with `prefix`.
fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// The WHERE clause and its parameters for a query.
fn filter(query: &MemberQuery) -> (String, Vec<Value>) {
    let folded = fold(&query.text);
    let (long, short): (Vec<&str>, Vec<&str>) = folded
        .split_whitespace()
        .partition(|w| w.chars().count() >= 3);
    let mut sql = String::from(" WHERE 1 = 1");
    let mut params: Vec<Value> = Vec::new();
    if !query.include_archived {
        sql.push_str(" AND m.archived_at IS NULL");
    }
    if !long.is_empty() {
        sql.push_str(
            " AND m.rowid IN (SELECT rowid FROM member_search WHERE member_search MATCH ?)",
        );
        let phrases: Vec<String> = long.iter().map(|w| fts_phrase(w)).collect();
        params.push(Value::Text(phrases.join(" AND ")));
        for word in &short {
            sql.push_str(" AND m.search_text LIKE ? ESCAPE '\\'");
            params.push(Value::Text(contains_pattern(word)));
        }
    } else if let Some(first) = short.first() {
        sql.push_str(" AND m.name_key >= ? AND m.name_key < ?");
        params.push(Value::Text((*first).to_owned()));
        params.push(Value::Text(prefix_upper_bound(first)));
        for word in &short[1..] {
            sql.push_str(" AND m.search_text LIKE ? ESCAPE '\\'");
            params.push(Value::Text(contains_pattern(word)));
        }
    }
    (sql, params)
}

/// Members matching every word of the query, sorted by name, one page at a time.
pub fn list(conn: &Connection, query: &MemberQuery) -> Result<MemberList> {
    let (filter, params) = filter(query);
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let offset = query.offset.unwrap_or(0);

    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_MEMBER}{filter} ORDER BY m.name_key, m.id LIMIT {limit} OFFSET {offset}"
    ))?;
    let members = stmt
        .query_map(params_from_iter(&params), member_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total: u32 = conn
        .prepare_cached(&format!("SELECT count(*) FROM member m{filter}"))?
        .query_row(params_from_iter(&params), |r| r.get(0))?;
    let (active, archived): (u32, u32) = conn
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE archived_at IS NULL),
                    count(*) FILTER (WHERE archived_at IS NOT NULL)
             FROM member",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(MemberList {
        members,
        total,
        active,
        archived,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_is_never_query_syntax() {
        assert_eq!(fts_phrase(r#"a" OR "b"#), r#""a"" OR ""b""#);
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn short_words_use_the_name_range_and_long_words_the_index() {
        let q = |text: &str| MemberQuery {
            text: text.into(),
            ..Default::default()
        };
        let (sql, params) = filter(&q("Zo"));
        assert!(sql.contains("name_key >= ?"), "{sql}");
        assert_eq!(params[0], Value::Text("zo".into()));
        let (sql, params) = filter(&q("Müll a"));
        assert!(sql.contains("MATCH ?") && sql.contains("LIKE ?"), "{sql}");
        assert_eq!(params[0], Value::Text("\"mull\"".into()));
        let (sql, params) = filter(&q("  "));
        assert!(!sql.contains("MATCH") && params.is_empty());
    }
}
