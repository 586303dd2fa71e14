//! Small helpers for reading rows, shared by every domain's store. A leaf: it knows SQLite, not
//! what the rows mean.

/// A column holding a value the code has no meaning for (an unknown enum name): reported as a
/// conversion failure of that column, which surfaces as an internal error, never as a panic.
pub fn bad_value(column: usize, what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown {what} {value:?}").into(),
    )
}

/// Runs `f` in one read snapshot: a transaction of its own when `conn` has none, else the
/// caller's. `f` is told whether what it sees is committed data (`true` for its own
/// transaction), which a cache may keep; inside a caller's transaction it may see writes that
/// are later rolled back.
pub fn in_snapshot<T>(
    conn: &rusqlite::Connection,
    f: impl FnOnce(&rusqlite::Connection, bool) -> crate::Result<T>,
) -> crate::Result<T> {
    if !conn.is_autocommit() {
        return f(conn, false);
    }
    let tx = conn.unchecked_transaction()?;
    let value = f(&tx, true)?;
    tx.commit()?;
    Ok(value)
}
