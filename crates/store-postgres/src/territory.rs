//! The territory tree: replaced as a whole, read by code and by parent.

use async_trait::async_trait;
use shanyraq_domain::{Kato, Territory, TerritoryTree, TreeVersion};
use shanyraq_store::{StoreResult, TerritoryStore};
use sqlx::Row;
use time::OffsetDateTime;

use crate::PostgresStore;
use crate::decode;
use crate::error::fail;

/// Column arrays for one `INSERT … SELECT FROM unnest(…)`: the whole classifier in one statement.
#[derive(Default)]
struct Columns {
    code: Vec<i32>,
    parent: Vec<Option<i32>>,
    level: Vec<i32>,
    name_kk: Vec<String>,
    name_ru: Vec<String>,
    name_en: Vec<Option<String>>,
    settlement_type: Vec<&'static str>,
}

/// KATO codes are at most 999 999 999, which fits an `INTEGER`.
fn code(k: Kato) -> i32 {
    i32::try_from(k.as_u32()).unwrap_or(i32::MAX)
}

impl Columns {
    fn of(tree: &TerritoryTree) -> Columns {
        let mut c = Columns::default();
        for t in tree.iter() {
            c.code.push(code(t.code));
            c.parent.push(t.parent.map(code));
            c.level.push(i32::from(t.level.number()));
            c.name_kk.push(t.name_kk.clone());
            c.name_ru.push(t.name_ru.clone());
            c.name_en.push(t.name_en.clone());
            c.settlement_type.push(t.settlement_type.code());
        }
        c
    }
}

#[async_trait]
impl TerritoryStore for PostgresStore {
    async fn replace_territories(&self, tree: &TerritoryTree) -> StoreResult<()> {
        let c = Columns::of(tree);
        let mut tx = self.pool.begin().await.map_err(fail("replacing territories"))?;
        sqlx::raw_sql("DELETE FROM territories; DELETE FROM territory_versions")
            .execute(&mut *tx)
            .await
            .map_err(fail("clearing territories"))?;
        sqlx::query(
            "INSERT INTO territories (code, parent_code, level, name_kk, name_ru, name_en,
                                      settlement_type)
             SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[],
                                  $6::text[], $7::text[])",
        )
        .bind(&c.code)
        .bind(&c.parent)
        .bind(&c.level)
        .bind(&c.name_kk)
        .bind(&c.name_ru)
        .bind(&c.name_en)
        .bind(&c.settlement_type)
        .execute(&mut *tx)
        .await
        .map_err(fail("storing territories"))?;
        sqlx::query("INSERT INTO territory_versions (id, as_of, loaded_at) VALUES ($1, $2, $3)")
            .bind(&tree.version.id)
            .bind(tree.version.as_of)
            .bind(OffsetDateTime::now_utc())
            .execute(&mut *tx)
            .await
            .map_err(fail("storing the territory version"))?;
        tx.commit().await.map_err(fail("committing territories"))
    }

    async fn territory_version(&self) -> StoreResult<Option<TreeVersion>> {
        let row =
            sqlx::query("SELECT id, as_of FROM territory_versions ORDER BY loaded_at DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(fail("reading the territory version"))?;
        row.map(|r| {
            Ok(TreeVersion {
                id: r.try_get("id").map_err(fail("reading the territory version"))?,
                as_of: r.try_get("as_of").map_err(fail("reading the territory version"))?,
            })
        })
        .transpose()
    }

    async fn territory(&self, wanted: Kato) -> StoreResult<Option<Territory>> {
        let row = sqlx::query(
            "SELECT code, parent_code, level, name_kk, name_ru, name_en, settlement_type
             FROM territories WHERE code = $1",
        )
        .bind(code(wanted))
        .fetch_optional(&self.pool)
        .await
        .map_err(fail("reading a territory"))?;
        row.as_ref().map(decode::territory).transpose()
    }

    async fn territory_children(&self, parent: Kato) -> StoreResult<Vec<Territory>> {
        let rows = sqlx::query(
            "SELECT code, parent_code, level, name_kk, name_ru, name_en, settlement_type
             FROM territories WHERE parent_code = $1 ORDER BY code",
        )
        .bind(code(parent))
        .fetch_all(&self.pool)
        .await
        .map_err(fail("reading territories"))?;
        rows.iter().map(decode::territory).collect()
    }
}
