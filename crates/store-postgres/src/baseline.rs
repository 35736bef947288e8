//! The engine's own bulk loader, as the import benchmark's yardstick: `COPY … FROM STDIN (FORMAT
//! csv)` of a file into a bare table of text columns, created and dropped for the measurement.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use shanyraq_store::{StoreError, StoreResult};
use sqlx::AssertSqlSafe;

use crate::PostgresStore;
use crate::error::fail;

/// The scratch table; dropped before and after.
const TABLE: &str = "shanyraq_bench_bare";

impl PostgresStore {
    /// Copies `csv` (a header row, then `columns` fields per row separated by `delimiter`) into a
    /// new bare table and returns the time taken (file read, `COPY`, commit) and the rows
    /// copied. `COPY` refuses the whole file at its first malformed row, so the file must be
    /// well-formed.
    pub async fn copy_csv_baseline(
        &self,
        csv: &Path,
        columns: usize,
        delimiter: char,
    ) -> StoreResult<(Duration, u64)> {
        if ![',', ';', '\t'].contains(&delimiter) {
            return Err(StoreError::Backend(format!("unsupported delimiter {delimiter:?}")));
        }
        const DROP: &str = "DROP TABLE IF EXISTS shanyraq_bench_bare";
        sqlx::query(DROP).execute(&self.pool).await.map_err(fail("dropping the scratch table"))?;
        let names: Vec<String> = (1..=columns).map(|i| format!("c{i} TEXT")).collect();
        let create = format!("CREATE TABLE {TABLE} ({})", names.join(", "));
        // Built from a column count and a delimiter checked above: nothing from outside.
        sqlx::query(AssertSqlSafe(create))
            .execute(&self.pool)
            .await
            .map_err(fail("creating the scratch table"))?;

        let started = Instant::now();
        // Read synchronously, a megabyte at a time: a benchmark, one task, a local file.
        let mut file = std::fs::File::open(csv)
            .map_err(|e| StoreError::Backend(format!("{}: {e}", csv.display())))?;
        let mut tx = self.pool.begin().await.map_err(fail("starting the copy"))?;
        let statement = format!(
            "COPY {TABLE} FROM STDIN (FORMAT csv, HEADER true, DELIMITER '{delimiter}', \
             ENCODING 'UTF8')"
        );
        let mut copy = tx.copy_in_raw(&statement).await.map_err(fail("starting the copy"))?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file
                .read(&mut buf)
                .map_err(|e| StoreError::Backend(format!("{}: {e}", csv.display())))?;
            if n == 0 {
                break;
            }
            copy.send(&buf[..n]).await.map_err(fail("copying the file"))?;
        }
        let rows = copy.finish().await.map_err(fail("copying the file"))?;
        tx.commit().await.map_err(fail("committing the copy"))?;
        let elapsed = started.elapsed();

        sqlx::query(DROP).execute(&self.pool).await.map_err(fail("dropping the scratch table"))?;
        Ok((elapsed, rows))
    }
}
