//! Generating a synthetic population into a store: the generator runs on its own thread and hands
//! chunks to the writer through a short queue, so generation and writing overlap on two cores.

use std::sync::Arc;
use std::time::{Duration, Instant};

use shanyraq_domain::{BatchId, ImportBatch, territory};
use shanyraq_store::{PopulationChunk, Store};
use shanyraq_synth::Generator;
use time::OffsetDateTime;

use crate::error::AppError;

/// What to generate: the generator's own configuration.
pub use shanyraq_synth::GeneratorConfig as GenerateRequest;

/// Counts of what was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Written {
    pub families: u64,
    pub persons: u64,
    pub memberships: u64,
    pub observations: u64,
}

impl Written {
    fn add(&mut self, chunk: &PopulationChunk) {
        self.families += chunk.families.len() as u64;
        self.persons += chunk.persons.len() as u64;
        self.memberships += chunk.memberships.len() as u64;
        self.observations += chunk.observations.len() as u64;
    }
}

/// What a run did and how long it took.
#[derive(Debug, Clone)]
pub struct GenerateReport {
    pub batch: BatchId,
    pub written: Written,
    pub elapsed: Duration,
    /// Time the writer spent waiting for the generator (the generator was the bottleneck).
    pub writer_waited: Duration,
}

/// Chunks waiting between generator and writer: enough to keep both busy, little memory.
const QUEUE_DEPTH: usize = 3;

/// Generates `request.families` families into `store` as one import batch. `progress` is called
/// after every chunk written with the running totals.
pub async fn generate(
    store: &Arc<dyn Store>,
    request: &GenerateRequest,
    mut progress: impl FnMut(&Written),
) -> Result<GenerateReport, AppError> {
    let started = Instant::now();
    let start = store.next_ids().await?;
    let batch = ImportBatch {
        id: start.batch,
        feed: "synthetic".into(),
        label: format!(
            "generate families={} seed={} region={} as_of={}",
            request.families,
            request.seed,
            request.region.map_or_else(|| "all".to_owned(), |k| k.to_string()),
            shanyraq_domain::dates::iso(request.as_of)
        ),
        started_at: OffsetDateTime::now_utc(),
        finished_at: None,
        rows_accepted: 0,
        rows_rejected: 0,
    };
    let config = request.clone();
    // Validate the request before anything is written.
    let generator = Generator::new(
        config,
        territory::bundled(),
        territory::bundled_regions(),
        start,
        batch.id,
    )?;
    store.create_batch(&batch).await?;

    let (tx, mut rx) = tokio::sync::mpsc::channel::<PopulationChunk>(QUEUE_DEPTH);
    let producer = tokio::task::spawn_blocking(move || {
        for chunk in generator {
            if tx.blocking_send(chunk).is_err() {
                break; // the writer stopped on an error; it reports it
            }
        }
    });

    let mut written = Written::default();
    let mut writer_waited = Duration::ZERO;
    loop {
        let wait = Instant::now();
        let Some(chunk) = rx.recv().await else { break };
        writer_waited += wait.elapsed();
        store.insert_population(&chunk).await?;
        written.add(&chunk);
        progress(&written);
    }
    producer.await.map_err(|e| AppError::Internal(format!("generator thread: {e}")))?;

    let accepted = i64::try_from(written.persons + written.families + written.observations)
        .unwrap_or(i64::MAX);
    store.finish_batch(batch.id, OffsetDateTime::now_utc(), accepted, 0).await?;
    store.refresh_statistics().await?;
    Ok(GenerateReport { batch: batch.id, written, elapsed: started.elapsed(), writer_waited })
}
