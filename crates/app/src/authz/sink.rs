//! Group commit for audit entries of reads: concurrent requests hand in their entries, and one
//! append writes all that are waiting in one transaction. Each request waits until its own entry
//! is committed, so nothing is shown that the record does not hold.

use std::sync::{Arc, Mutex};

use shanyraq_domain::audit::AuditRecord;
use shanyraq_store::Store;
use tokio::sync::oneshot;

use crate::error::AppError;

/// The most entries one append writes.
const MAX_BATCH: usize = 1_024;

type Reply = oneshot::Sender<Result<(), String>>;

#[derive(Debug, Default)]
struct Queue {
    waiting: Vec<(AuditRecord, Reply)>,
    /// Whether a flush task is running; it drains the queue before it stops.
    flushing: bool,
}

/// Cheap to clone; every clone feeds the same queue.
#[derive(Debug, Clone)]
pub struct AuditSink {
    store: Arc<dyn Store>,
    queue: Arc<Mutex<Queue>>,
}

impl AuditSink {
    pub fn new(store: Arc<dyn Store>) -> AuditSink {
        AuditSink { store, queue: Arc::new(Mutex::new(Queue::default())) }
    }

    /// Appends `record` and returns once it is committed. The flush runs as its own task, so a
    /// request that gives up waiting (a closed connection) never strands the others' entries.
    pub async fn write(&self, record: AuditRecord) -> Result<(), AppError> {
        let (tx, rx) = oneshot::channel();
        let lead = {
            let mut q = self.queue.lock().map_err(|_| poisoned())?;
            q.waiting.push((record, tx));
            !std::mem::replace(&mut q.flushing, true)
        };
        if lead {
            tokio::spawn(self.clone().flush());
        }
        match rx.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                Err(AppError::Internal(format!("the audit record could not be written: {e}")))
            }
            Err(_) => Err(AppError::Internal("the audit writer stopped".into())),
        }
    }

    async fn flush(self) {
        loop {
            let batch: Vec<(AuditRecord, Reply)> = {
                let Ok(mut q) = self.queue.lock() else { return };
                if q.waiting.is_empty() {
                    q.flushing = false;
                    return;
                }
                let n = q.waiting.len().min(MAX_BATCH);
                q.waiting.drain(..n).collect()
            };
            let (records, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            let outcome =
                self.store.append_audit(&records).await.map(|_| ()).map_err(|e| e.to_string());
            for reply in replies {
                let _ = reply.send(outcome.clone());
            }
        }
    }
}

fn poisoned() -> AppError {
    AppError::Internal("the audit queue is unusable after a panic".into())
}
