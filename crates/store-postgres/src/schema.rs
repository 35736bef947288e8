//! The schema as the database has it, in engine-neutral terms, for the parity test.
//!
//! Only the project's own tables count: `schema_migrations` belongs to the runner. Only indexes
//! created by name count: the ones PostgreSQL makes for primary keys and unique constraints have
//! engine-specific names (SQLite's are `sqlite_autoindex_…`) and are compared through the tables'
//! primary keys. Keys and checks come from `pg_constraint`; a CHECK is described by the columns it
//! reads (`conkey`), as PostgreSQL prints its expression in its own way.

use std::collections::BTreeMap;

use shanyraq_store::{
    CheckShape, ColumnShape, ForeignKeyShape, IndexShape, SchemaShape, StoreResult,
};
use sqlx::{PgPool, Row};

use crate::error::fail;

const COLUMNS: &str = "
    SELECT table_name::text AS table_name, column_name::text AS column_name,
           data_type::text AS data_type, is_nullable = 'YES' AS nullable
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'
    ORDER BY table_name, ordinal_position";

const INDEXES: &str = "
    SELECT i.relname::text AS index_name, t.relname::text AS table_name,
           x.indisunique AS is_unique, coalesce(a.attname::text, 'expr') AS column_name
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

const PRIMARY_KEYS: &str = "
    SELECT t.relname::text AS table_name, a.attname::text AS column_name
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE n.nspname = current_schema() AND c.contype = 'p' AND t.relname <> 'schema_migrations'
    ORDER BY t.relname, k.ord";

const FOREIGN_KEYS: &str = "
    SELECT c.conname::text AS name, t.relname::text AS table_name, r.relname::text AS ref_table,
           a.attname::text AS column_name, ra.attname::text AS ref_column
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_class r ON r.oid = c.confrelid
    CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, ref_attnum, ord)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    JOIN pg_attribute ra ON ra.attrelid = r.oid AND ra.attnum = k.ref_attnum
    WHERE n.nspname = current_schema() AND c.contype = 'f' AND t.relname <> 'schema_migrations'
    ORDER BY t.relname, c.conname, k.ord";

const CHECKS: &str = "
    SELECT t.relname::text AS table_name,
           array(SELECT a.attname::text FROM unnest(c.conkey) AS k(attnum)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                 ORDER BY 1) AS columns
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema() AND c.contype = 'c' AND t.relname <> 'schema_migrations'
    ORDER BY t.relname, c.conname";

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
    let failed = fail("reading the schema");
    for row in sqlx::query(COLUMNS).fetch_all(pool).await.map_err(&failed)? {
        let table: String = row.try_get("table_name").map_err(&failed)?;
        let column = ColumnShape {
            name: row.try_get("column_name").map_err(&failed)?,
            type_class: type_class(&row.try_get::<String, _>("data_type").map_err(&failed)?),
            nullable: row.try_get("nullable").map_err(&failed)?,
        };
        shape.tables.entry(table).or_default().push(column);
    }
    for row in sqlx::query(INDEXES).fetch_all(pool).await.map_err(&failed)? {
        let index: String = row.try_get("index_name").map_err(&failed)?;
        let table: String = row.try_get("table_name").map_err(&failed)?;
        let unique: bool = row.try_get("is_unique").map_err(&failed)?;
        let column: String = row.try_get("column_name").map_err(&failed)?;
        shape
            .indexes
            .entry(index)
            .or_insert_with(|| IndexShape { table, columns: Vec::new(), unique })
            .columns
            .push(column);
    }
    for row in sqlx::query(PRIMARY_KEYS).fetch_all(pool).await.map_err(&failed)? {
        let table: String = row.try_get("table_name").map_err(&failed)?;
        let column: String = row.try_get("column_name").map_err(&failed)?;
        shape.primary_keys.entry(table).or_default().push(column);
    }
    // (table, constraint) → the key, its columns in order.
    let mut foreign: BTreeMap<(String, String), ForeignKeyShape> = BTreeMap::new();
    for row in sqlx::query(FOREIGN_KEYS).fetch_all(pool).await.map_err(&failed)? {
        let table: String = row.try_get("table_name").map_err(&failed)?;
        let name: String = row.try_get("name").map_err(&failed)?;
        let ref_table: String = row.try_get("ref_table").map_err(&failed)?;
        let fk = foreign.entry((table, name)).or_insert_with(|| ForeignKeyShape {
            columns: Vec::new(),
            ref_table,
            ref_columns: Vec::new(),
        });
        fk.columns.push(row.try_get("column_name").map_err(&failed)?);
        fk.ref_columns.push(row.try_get("ref_column").map_err(&failed)?);
    }
    for ((table, _), fk) in foreign {
        shape.foreign_keys.entry(table).or_default().push(fk);
    }
    for row in sqlx::query(CHECKS).fetch_all(pool).await.map_err(&failed)? {
        let table: String = row.try_get("table_name").map_err(&failed)?;
        let columns: Vec<String> = row.try_get("columns").map_err(&failed)?;
        shape.checks.entry(table).or_default().push(CheckShape { columns });
    }
    shape.foreign_keys.values_mut().for_each(|v| v.sort());
    shape.checks.values_mut().for_each(|v| v.sort());
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
