//! The schema as the database has it, in engine-neutral terms, for the parity test.
//!
//! Only the project's own tables count: `schema_migrations` belongs to the runner. Only indexes
//! created by name count: the ones PostgreSQL makes for primary keys and unique constraints have
//! engine-specific names (SQLite's are `sqlite_autoindex_…`) and are compared through the tables.

use shanyraq_store::{ColumnShape, SchemaShape, StoreResult};
use sqlx::{PgPool, Row};

use crate::error::fail;

const COLUMNS: &str = "
    SELECT table_name::text AS table_name, column_name::text AS column_name,
           data_type::text AS data_type, is_nullable = 'YES' AS nullable
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'
    ORDER BY table_name, ordinal_position";

const INDEXES: &str = "
    SELECT i.relname::text AS index_name, coalesce(a.attname::text, 'expr') AS column_name
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE n.nspname = current_schema()
      AND t.relname <> 'schema_migrations'
      AND k.ord <= x.indnkeyatts
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
    ORDER BY i.relname, k.ord";

/// PostgreSQL's type names → the classes of [`ColumnShape::type_class`]. Unknown types keep their
/// own name, so that the parity test shows them.
pub(crate) fn type_class(data_type: &str) -> String {
    match data_type {
        "smallint" | "integer" | "bigint" => "integer",
        "text" | "character varying" | "character" => "text",
        "date" => "date",
        "timestamp with time zone" | "timestamp without time zone" => "timestamp",
        "double precision" | "real" | "numeric" => "real",
        "bytea" => "blob",
        "boolean" => "boolean",
        other => other,
    }
    .to_owned()
}

pub(crate) async fn describe(pool: &PgPool) -> StoreResult<SchemaShape> {
    let mut shape = SchemaShape::default();
    for row in sqlx::query(COLUMNS).fetch_all(pool).await.map_err(fail("reading columns"))? {
        let table: String = row.try_get("table_name").map_err(fail("reading columns"))?;
        let column = ColumnShape {
            name: row.try_get("column_name").map_err(fail("reading columns"))?,
            type_class: type_class(
                &row.try_get::<String, _>("data_type").map_err(fail("reading columns"))?,
            ),
            nullable: row.try_get("nullable").map_err(fail("reading columns"))?,
        };
        shape.tables.entry(table).or_default().push(column);
    }
    for row in sqlx::query(INDEXES).fetch_all(pool).await.map_err(fail("reading indexes"))? {
        let index: String = row.try_get("index_name").map_err(fail("reading indexes"))?;
        let column: String = row.try_get("column_name").map_err(fail("reading indexes"))?;
        shape.indexes.entry(index).or_default().push(column);
    }
    Ok(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_map_to_classes() {
        for (pg, class) in [
            ("smallint", "integer"),
            ("integer", "integer"),
            ("bigint", "integer"),
            ("text", "text"),
            ("character varying", "text"),
            ("date", "date"),
            ("timestamp with time zone", "timestamp"),
            ("timestamp without time zone", "timestamp"),
            ("double precision", "real"),
            ("real", "real"),
            ("numeric", "real"),
            ("bytea", "blob"),
            ("boolean", "boolean"),
            ("jsonb", "jsonb"),
        ] {
            assert_eq!(type_class(pg), class, "{pg}");
        }
    }
}
