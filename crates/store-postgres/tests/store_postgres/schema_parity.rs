//! The two backends' migrated schemas agree: same tables, the same columns in the same order
//! with the same type classes and nullability, the same named indexes over the same columns with
//! the same uniqueness, the same primary keys, foreign keys and CHECK constraints.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use shanyraq_store::{
    CheckShape, ColumnShape, ForeignKeyShape, IndexShape, SchemaShape, SchemaStore,
};
use shanyraq_store_sqlite::SqliteStore;

fn column(c: &ColumnShape) -> String {
    format!("{} {}{}", c.name, c.type_class, if c.nullable { " NULL" } else { " NOT NULL" })
}

fn index(i: &IndexShape) -> String {
    format!("{}{} ({})", if i.unique { "UNIQUE " } else { "" }, i.table, i.columns.join(", "))
}

fn foreign_key(f: &ForeignKeyShape) -> String {
    format!("({}) → {} ({})", f.columns.join(", "), f.ref_table, f.ref_columns.join(", "))
}

fn check(c: &CheckShape) -> String {
    format!("CHECK on ({})", c.columns.join(", "))
}

/// One line per key whose values differ between the two maps, saying which side has what.
fn compare<V: PartialEq + Debug>(
    what: &str,
    sqlite: &BTreeMap<String, V>,
    postgres: &BTreeMap<String, V>,
    show: impl Fn(&V) -> String,
    out: &mut Vec<String>,
) {
    let keys: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for key in keys {
        match (sqlite.get(key), postgres.get(key)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => out.push(format!(
                "{what} {key}: SQLite has {}, PostgreSQL has {}",
                show(a),
                show(b)
            )),
            (Some(a), None) => out.push(format!("{what} {key}: only in SQLite ({})", show(a))),
            (None, Some(b)) => out.push(format!("{what} {key}: only in PostgreSQL ({})", show(b))),
            (None, None) => {}
        }
    }
}

fn list<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join("; "))
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
    compare("index", &sqlite.indexes, &postgres.indexes, index, &mut out);
    compare(
        "primary key of",
        &sqlite.primary_keys,
        &postgres.primary_keys,
        |c| c.join(", "),
        &mut out,
    );
    compare(
        "foreign keys of",
        &sqlite.foreign_keys,
        &postgres.foreign_keys,
        |f| list(f, foreign_key),
        &mut out,
    );
    compare("checks of", &sqlite.checks, &postgres.checks, |c| list(c, check), &mut out);
    out
}

#[tokio::test]
async fn migrated_schemas_are_the_same() {
    let Some(db) = common::TestDb::create().await else { return };
    let postgres = db.migrated_store().await;

    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::create_or_open(&dir.path().join("parity.db")).unwrap();
    sqlite.migrate().await.unwrap();
    assert_eq!(sqlite.supported_schema_version(), postgres.supported_schema_version());

    let s = sqlite.describe_schema().await.unwrap();
    let p = postgres.describe_schema().await.unwrap();
    for (what, empty) in [
        ("tables", s.tables.is_empty()),
        ("indexes", s.indexes.is_empty()),
        ("primary keys", s.primary_keys.is_empty()),
        ("foreign keys", s.foreign_keys.is_empty()),
        ("checks", s.checks.is_empty()),
    ] {
        assert!(!empty, "SQLite describes no {what}: {s:?}");
    }
    let diff = differences(&s, &p);
    assert!(diff.is_empty(), "the schemas differ:\n  {}", diff.join("\n  "));
    // Every table has a primary key but the log of failed sign-ins (rows with no identity,
    // counted and purged by key and time), and the IIN is unique on both sides.
    let keyless: BTreeSet<&str> =
        s.tables.keys().filter(|t| !s.primary_keys.contains_key(*t)).map(String::as_str).collect();
    assert_eq!(keyless, BTreeSet::from(["login_failures"]));
    assert!(s.indexes["persons_iin_key"].unique && p.indexes["persons_iin_key"].unique);
}

#[test]
fn differences_name_each_mismatch() {
    let col = |name: &str, class: &str, nullable| ColumnShape {
        name: name.into(),
        type_class: class.into(),
        nullable,
    };
    let idx = |columns: &[&str], unique| IndexShape {
        table: "a".into(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        unique,
    };
    let fk = |column: &str| ForeignKeyShape {
        columns: vec![column.into()],
        ref_table: "b".into(),
        ref_columns: vec!["id".into()],
    };
    let mut s = SchemaShape::default();
    s.tables.insert("a".into(), vec![col("id", "integer", false), col("x", "text", true)]);
    s.tables.insert("only_s".into(), vec![]);
    s.indexes.insert("a_x".into(), idx(&["x"], false));
    s.indexes.insert("a_id".into(), idx(&["id"], false));
    s.indexes.insert("a_key".into(), idx(&["x"], true));
    s.primary_keys.insert("a".into(), vec!["id".into()]);
    s.foreign_keys.insert("a".into(), vec![fk("x")]);
    s.checks.insert("a".into(), vec![CheckShape { columns: vec!["x".into()] }]);
    let mut p = SchemaShape::default();
    p.tables.insert("a".into(), vec![col("id", "integer", false), col("x", "text", false)]);
    p.tables.insert("only_p".into(), vec![col("id", "integer", false)]);
    p.indexes.insert("a_x".into(), idx(&["x", "id"], false));
    p.indexes.insert("a_key".into(), idx(&["x"], false));
    p.primary_keys.insert("a".into(), vec!["id".into(), "x".into()]);
    p.checks.insert("a".into(), vec![]);
    assert_eq!(
        differences(&s, &p),
        vec![
            "table a, column 2: SQLite has x text NULL, PostgreSQL has x text NOT NULL",
            "table only_p: only in PostgreSQL",
            "table only_s: only in SQLite",
            "index a_id: only in SQLite (a (id))",
            "index a_key: SQLite has UNIQUE a (x), PostgreSQL has a (x)",
            "index a_x: SQLite has a (x), PostgreSQL has a (x, id)",
            "primary key of a: SQLite has id, PostgreSQL has id, x",
            "foreign keys of a: only in SQLite ([(x) → b (id)])",
            "checks of a: SQLite has [CHECK on (x)], PostgreSQL has []",
        ]
    );
    assert!(differences(&s, &s).is_empty());
}
