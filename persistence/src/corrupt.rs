//! A stored value the domain cannot read. Rows are converted once into domain types
//! (`TryFrom<Row>`); a value that does not parse is a corrupt row, reported with the table, the
//! row's key and the column, never silently dropped.

/// A row whose column holds a value its domain type refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("corrupt row in {table} ({key}): column {column}: {reason}")]
pub struct CorruptRow {
    /// The table.
    pub table: &'static str,
    /// The row's key.
    pub key: String,
    /// The column.
    pub column: &'static str,
    /// What the domain said.
    pub reason: String,
}

/// Parses `value` of `column` with `parse`, or reports the row as corrupt.
pub fn parse_column<T, E: std::fmt::Display>(
    table: &'static str,
    key: &dyn std::fmt::Display,
    column: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, CorruptRow> {
    parse(value).map_err(|e| CorruptRow {
        table,
        key: key.to_string(),
        column,
        reason: format!("{value:?}: {e}"),
    })
}
