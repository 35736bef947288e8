//! The two backends' migrated schemas agree: same tables, the same columns in the same order
//! with the same type classes and nullability, the same named indexes over the same columns.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeSet;

use shanyraq_store::{ColumnShape, SchemaShape, SchemaStore};
use shanyraq_store_sqlite::SqliteStore;

fn column(c: &ColumnShape) -> String {
    format!("{} {}{}", c.name, c.type_class, if c.nullable { " NULL" } else { " NOT NULL" })
}

/// Every difference between the two shapes, one line each, saying which side has what.
fn differences(sqlite: &SchemaShape, postgres: &SchemaShape) -> Vec<String> {
    let mut out = Vec::new();
    let tables: BTreeSet<&String> = sqlite.tables.keys().chain(postgres.tables.keys()).collect();
    for table in tables {
        let (Some(s), Some(p)) = (sqlite.tables.get(table), postgres.tables.get(table)) else {
            let side = if sqlite.tables.contains_key(table) { "SQLite" } else { "PostgreSQL" };
            out.push(format!("table {table}: only in {side}"));
            continue;
        };
        for i in 0..s.len().max(p.len()) {
            match (s.get(i), p.get(i)) {
                (Some(a), Some(b)) if a == b => {}
                (a, b) => out.push(format!(
                    "table {table}, column {}: SQLite has {}, PostgreSQL has {}",
                    i + 1,
                    a.map_or("nothing".into(), column),
                    b.map_or("nothing".into(), column),
                )),
            }
        }
    }
    let indexes: BTreeSet<&String> = sqlite.indexes.keys().chain(postgres.indexes.keys()).collect();
    for index in indexes {
        match (sqlite.indexes.get(index), postgres.indexes.get(index)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => out.push(format!(
                "index {index}: SQLite on ({}), PostgreSQL on ({})",
                a.join(", "),
                b.join(", ")
            )),
            (Some(_), None) => out.push(format!("index {index}: only in SQLite")),
            (None, _) => out.push(format!("index {index}: only in PostgreSQL")),
        }
    }
    out
}

#[tokio::test]
async fn migrated_schemas_are_the_same() {
    let Some(db) = common::TestDb::create().await else { return };
    let postgres = db.migrated_store().await;

    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("parity.db")).unwrap();
    sqlite.migrate().await.unwrap();
    assert_eq!(sqlite.supported_schema_version(), postgres.supported_schema_version());

    let s = sqlite.describe_schema().await.unwrap();
    let p = postgres.describe_schema().await.unwrap();
    assert!(!s.tables.is_empty() && !s.indexes.is_empty(), "SQLite describes nothing: {s:?}");
    let diff = differences(&s, &p);
    assert!(diff.is_empty(), "the schemas differ:\n  {}", diff.join("\n  "));
}

#[test]
fn differences_name_each_mismatch() {
    let col = |name: &str, class: &str, nullable| ColumnShape {
        name: name.into(),
        type_class: class.into(),
        nullable,
    };
    let mut s = SchemaShape::default();
    s.tables.insert("a".into(), vec![col("id", "integer", false), col("x", "text", true)]);
    s.tables.insert("only_s".into(), vec![]);
    s.indexes.insert("a_x".into(), vec!["x".into()]);
    s.indexes.insert("a_id".into(), vec!["id".into()]);
    let mut p = SchemaShape::default();
    p.tables.insert("a".into(), vec![col("id", "integer", false), col("x", "text", false)]);
    p.tables.insert("only_p".into(), vec![col("id", "integer", false)]);
    p.indexes.insert("a_x".into(), vec!["x".into(), "id".into()]);
    assert_eq!(
        differences(&s, &p),
        vec![
            "table a, column 2: SQLite has x text NULL, PostgreSQL has x text NOT NULL",
            "table only_p: only in PostgreSQL",
            "table only_s: only in SQLite",
            "index a_id: only in SQLite",
            "index a_x: SQLite on (x), PostgreSQL on (x, id)",
        ]
    );
    assert!(differences(&s, &s).is_empty());
}
