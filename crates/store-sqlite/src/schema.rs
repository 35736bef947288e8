//! The migrated schema as engine-neutral shapes, for the parity test with PostgreSQL.
//!
//! Conventions: every table but `schema_migrations` (the runner's own bookkeeping) and SQLite's
//! internal ones; columns in declaration order with a type class from the declared type
//! (`INTEGER` → `integer`, `TEXT` → `text`, `DATE` → `date`, `TIMESTAMP` → `timestamp`, `REAL`
//! → `real`, `BLOB` → `blob`, `BOOLEAN` → `boolean`; anything else as declared, lower-cased, so
//! that a mismatch shows); only explicitly created indexes (primary keys are not listed), with
//! their columns in order and their uniqueness; primary keys and foreign keys from the table's
//! pragmas; CHECK constraints read from the `CREATE TABLE` text, each as the columns it names.

use std::collections::BTreeMap;

use rusqlite::Connection;
use shanyraq_store::{
    CheckShape, ColumnShape, ForeignKeyShape, IndexShape, SchemaShape, StoreResult,
};

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

/// Rows of a query with one text parameter, through `read`.
fn rows<T>(
    conn: &Connection,
    sql: &str,
    param: &str,
    read: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> StoreResult<Vec<T>> {
    let mut st = conn.prepare(sql).map_err(store_error)?;
    st.query_map([param], read)
        .map_err(store_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(store_error)
}

pub(crate) fn describe(conn: &Connection) -> StoreResult<SchemaShape> {
    let mut shape = SchemaShape::default();
    let tables: Vec<(String, String)> = rows(
        conn,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?1 ORDER BY name",
        MIGRATIONS_TABLE,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (table, create_sql) in tables {
        // (name, declared type, not null, position in the primary key or 0)
        let info: Vec<(String, String, bool, i64)> = rows(
            conn,
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
            &table,
            |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0, r.get(3)?)),
        )?;
        let mut key: Vec<(i64, String)> =
            info.iter().filter(|c| c.3 > 0).map(|c| (c.3, c.0.clone())).collect();
        key.sort();
        if !key.is_empty() {
            shape.primary_keys.insert(table.clone(), key.into_iter().map(|(_, c)| c).collect());
        }
        let names: Vec<String> = info.iter().map(|c| c.0.clone()).collect();
        let mut checks: Vec<CheckShape> = check_expressions(&create_sql)
            .iter()
            .map(|expr| CheckShape { columns: columns_named(expr, &names) })
            .collect();
        checks.sort();
        if !checks.is_empty() {
            shape.checks.insert(table.clone(), checks);
        }
        let foreign_keys = foreign_keys(conn, &table)?;
        if !foreign_keys.is_empty() {
            shape.foreign_keys.insert(table.clone(), foreign_keys);
        }
        let columns = info
            .into_iter()
            .map(|(name, declared, not_null, _)| ColumnShape {
                name,
                type_class: type_class(&declared),
                nullable: !not_null,
            })
            .collect();
        shape.tables.insert(table, columns);
    }
    // `sql` is NULL for the automatic indexes behind primary keys and inline UNIQUE.
    let indexes: Vec<(String, String)> = rows(
        conn,
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
         AND tbl_name <> ?1 ORDER BY name",
        MIGRATIONS_TABLE,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut by_name = BTreeMap::new();
    for (index, table) in indexes {
        let columns: Vec<String> =
            rows(conn, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno", &index, |r| {
                r.get(0)
            })?;
        let unique = index_is_unique(conn, &table, &index)?;
        by_name.insert(index, IndexShape { table, columns, unique });
    }
    shape.indexes = by_name;
    Ok(shape)
}

fn index_is_unique(conn: &Connection, table: &str, index: &str) -> StoreResult<bool> {
    let flags: Vec<(String, bool)> =
        rows(conn, "SELECT name, \"unique\" FROM pragma_index_list(?1)", table, |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? != 0))
        })?;
    Ok(flags.into_iter().any(|(name, unique)| name == index && unique))
}

/// The foreign keys of `table`, sorted; a reference without columns means the referenced
/// table's primary key.
fn foreign_keys(conn: &Connection, table: &str) -> StoreResult<Vec<ForeignKeyShape>> {
    // (id, seq, referenced table, from, to)
    let parts: Vec<(i64, i64, String, String, Option<String>)> = rows(
        conn,
        "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1)
         ORDER BY id, seq",
        table,
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let mut by_id: BTreeMap<i64, ForeignKeyShape> = BTreeMap::new();
    for (id, _, ref_table, from, to) in parts {
        let fk = by_id.entry(id).or_insert_with(|| ForeignKeyShape {
            columns: Vec::new(),
            ref_table: ref_table.clone(),
            ref_columns: Vec::new(),
        });
        fk.columns.push(from);
        fk.ref_columns.extend(to);
    }
    let mut out = Vec::with_capacity(by_id.len());
    for mut fk in by_id.into_values() {
        if fk.ref_columns.is_empty() {
            let key: Vec<(i64, String)> = rows(
                conn,
                "SELECT pk, name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk",
                &fk.ref_table,
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            fk.ref_columns = key.into_iter().map(|(_, c)| c).collect();
        }
        out.push(fk);
    }
    out.sort();
    Ok(out)
}

/// A piece of SQL text: a word (keyword or identifier, quotes removed from quoted
/// identifiers), a string literal, or a single other character.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Literal,
    Char(char),
}

/// The tokens of `sql`, comments and whitespace left out.
fn tokens(sql: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '-' if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '\'' => {
                // '' inside a literal is a quote.
                while let Some(c) = chars.next() {
                    if c == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                out.push(Token::Literal);
            }
            '"' | '`' | '[' => {
                let close = if c == '[' { ']' } else { c };
                let mut word = String::new();
                for c in chars.by_ref() {
                    if c == close {
                        break;
                    }
                    word.push(c);
                }
                out.push(Token::Word(word));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut word = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_alphanumeric() || n == '_' || n == '$' {
                        word.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Word(word));
            }
            other => out.push(Token::Char(other)),
        }
    }
    out
}

/// The expression of every `CHECK (…)` in a `CREATE TABLE` statement, as tokens.
fn check_expressions(create_sql: &str) -> Vec<Vec<Token>> {
    let all = tokens(create_sql);
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let is_check = matches!(&all[i], Token::Word(w) if w.eq_ignore_ascii_case("check"));
        if is_check && all.get(i + 1) == Some(&Token::Char('(')) {
            let mut depth = 0usize;
            let mut expr = Vec::new();
            let mut j = i + 1;
            while j < all.len() {
                match &all[j] {
                    Token::Char('(') => depth += 1,
                    Token::Char(')') => depth = depth.saturating_sub(1),
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if j > i + 1 {
                    expr.push(all[j].clone());
                }
                j += 1;
            }
            out.push(expr);
            i = j;
        }
        i += 1;
    }
    out
}

/// The columns of `columns` that `expr` names, sorted and without repeats.
fn columns_named(expr: &[Token], columns: &[String]) -> Vec<String> {
    let mut named: Vec<String> = columns
        .iter()
        .filter(|c| expr.iter().any(|t| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case(c))))
        .cloned()
        .collect();
    named.sort();
    named.dedup();
    named
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

    fn checked_columns(create_sql: &str, columns: &[&str]) -> Vec<Vec<String>> {
        let columns: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
        check_expressions(create_sql).iter().map(|e| columns_named(e, &columns)).collect()
    }

    #[test]
    fn checks_are_found_with_the_columns_they_read() {
        let sql = "CREATE TABLE t (
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4), -- a check (in a comment)
            sex   TEXT CHECK (sex IN ('male', 'check (level)', 'it''s')),
            a INTEGER, b INTEGER, \"check\" TEXT,
            CONSTRAINT ordered CHECK ((a < b) AND (b < 10)),
            /* CHECK (sex) */ checked TEXT
        )";
        let cols = ["level", "sex", "a", "b", "check", "checked"];
        assert_eq!(
            checked_columns(sql, &cols),
            vec![vec!["level".to_owned()], vec!["sex".to_owned()], vec!["a".into(), "b".into()]]
        );
        assert!(checked_columns("CREATE TABLE u (x INTEGER)", &["x"]).is_empty());
    }

    #[test]
    fn schema_of_a_small_database() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE p (id INTEGER NOT NULL PRIMARY KEY, code TEXT CHECK (code <> ''));
             CREATE UNIQUE INDEX p_code_key ON p (code);
             CREATE TABLE c (p_id INTEGER NOT NULL REFERENCES p (id), q INTEGER REFERENCES p,
                             n INTEGER, PRIMARY KEY (n, p_id)) WITHOUT ROWID;
             CREATE INDEX c_q_idx ON c (q);",
        )
        .unwrap();
        let shape = describe(&conn).unwrap();
        assert_eq!(shape.primary_keys["p"], ["id"]);
        assert_eq!(shape.primary_keys["c"], ["n", "p_id"]);
        assert_eq!(
            shape.indexes["p_code_key"],
            IndexShape { table: "p".into(), columns: vec!["code".into()], unique: true }
        );
        assert!(!shape.indexes["c_q_idx"].unique);
        assert_eq!(shape.indexes.len(), 2, "no automatic indexes: {:?}", shape.indexes);
        let fk = |col: &str| ForeignKeyShape {
            columns: vec![col.into()],
            ref_table: "p".into(),
            ref_columns: vec!["id".into()],
        };
        assert_eq!(shape.foreign_keys["c"], vec![fk("p_id"), fk("q")]);
        assert!(!shape.foreign_keys.contains_key("p"));
        assert_eq!(shape.checks["p"], vec![CheckShape { columns: vec!["code".into()] }]);
        assert!(!shape.checks.contains_key("c"));
    }
}
