//! The migrated schema as engine-neutral shapes, for the parity test with PostgreSQL.
//!
//! Conventions: every table but `schema_migrations` (the runner's own bookkeeping) and SQLite's
//! internal ones; columns in declaration order with a type class from the declared type
//! (`INTEGER` → `integer`, `TEXT` → `text`, `DATE` → `date`, `TIMESTAMP` → `timestamp`, `REAL`
//! → `real`, `BLOB` → `blob`, `BOOLEAN` → `boolean`; anything else as declared, lower-cased, so
//! that a mismatch shows); only explicitly created indexes (primary keys are not listed), with
//! their columns in order.

use std::collections::BTreeMap;

use rusqlite::Connection;
use shanyraq_store::{ColumnShape, SchemaShape, StoreResult};

use crate::error::store_error;

/// The runner's table, left out of the shape.
const MIGRATIONS_TABLE: &str = "schema_migrations";

fn type_class(declared: &str) -> String {
    let upper = declared.trim().to_ascii_uppercase();
    match upper.as_str() {
        "INTEGER" => "integer".into(),
        "TEXT" => "text".into(),
        "DATE" => "date".into(),
        "TIMESTAMP" => "timestamp".into(),
        "REAL" => "real".into(),
        "BLOB" => "blob".into(),
        "BOOLEAN" => "boolean".into(),
        _ => declared.trim().to_ascii_lowercase(),
    }
}

pub(crate) fn describe(conn: &Connection) -> StoreResult<SchemaShape> {
    let mut shape = SchemaShape::default();
    let tables: Vec<String> = {
        let mut st = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                 AND name <> ?1 ORDER BY name",
            )
            .map_err(store_error)?;
        st.query_map([MIGRATIONS_TABLE], |r| r.get(0))
            .map_err(store_error)?
            .collect::<Result<_, _>>()
            .map_err(store_error)?
    };
    for table in tables {
        let mut st = conn
            .prepare("SELECT name, type, \"notnull\" FROM pragma_table_info(?1) ORDER BY cid")
            .map_err(store_error)?;
        let columns = st
            .query_map([&table], |r| {
                let declared: String = r.get(1)?;
                Ok(ColumnShape {
                    name: r.get(0)?,
                    type_class: type_class(&declared),
                    nullable: r.get::<_, i64>(2)? == 0,
                })
            })
            .map_err(store_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(store_error)?;
        shape.tables.insert(table, columns);
    }
    let indexes: Vec<String> = {
        // `sql` is NULL for the automatic indexes behind primary keys.
        let mut st = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                 AND tbl_name <> ?1 ORDER BY name",
            )
            .map_err(store_error)?;
        st.query_map([MIGRATIONS_TABLE], |r| r.get(0))
            .map_err(store_error)?
            .collect::<Result<_, _>>()
            .map_err(store_error)?
    };
    let mut by_name = BTreeMap::new();
    for index in indexes {
        let mut st = conn
            .prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
            .map_err(store_error)?;
        let columns: Vec<String> = st
            .query_map([&index], |r| r.get(0))
            .map_err(store_error)?
            .collect::<Result<_, _>>()
            .map_err(store_error)?;
        by_name.insert(index, columns);
    }
    shape.indexes = by_name;
    Ok(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_map_to_classes() {
        assert_eq!(type_class("INTEGER"), "integer");
        assert_eq!(type_class("date"), "date");
        assert_eq!(type_class("TIMESTAMP"), "timestamp");
        assert_eq!(type_class("VARCHAR(10)"), "varchar(10)");
    }
}
