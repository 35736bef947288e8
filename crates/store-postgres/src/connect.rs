//! Connecting, and saying precisely why a connection could not be made.

use std::time::Duration;

use shanyraq_store::url::redact_password;
use shanyraq_store::{OpenFailure, StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection};

use crate::PostgresStore;

/// Connections per process: enough for a busy web server on a few cores, few enough that several
/// application servers fit in PostgreSQL's default `max_connections` (100).
const POOL_SIZE: u32 = 12;

/// How long the first connection may take before we give up and say so.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a query waits for a free connection of the pool.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// A pooled connection idle for longer than this is pinged before it is handed out, so that one
/// the server closed meanwhile (a restart, an idle timeout on the way) is replaced rather than
/// failing a request. One used more recently is handed out as it is: pinging every connection
/// would add a round trip to every use of the pool, which under load is most of a point query's
/// cost.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);

impl PostgresStore {
    /// Connects to `url` (`postgres://user[:password]@host[:port]/database`). Does not look at the
    /// schema: see [`shanyraq_store::SchemaStore::schema_version`].
    ///
    /// Failures are [`StoreError::Open`] with the URL shown without its password and the reason
    /// classified: refused, authentication, no such database, or the server's own message.
    pub async fn connect(url: &str) -> StoreResult<PostgresStore> {
        let target = redact_password(url);
        let open = |reason| StoreError::Open { target: target.clone(), reason };
        let options: PgConnectOptions =
            url.parse().map_err(|e: sqlx::Error| open(classify_connect_error(&e)))?;
        let options = options.application_name("shanyraq");

        // One connection outside the pool first: the pool retries a refused connection until its
        // timeout and then reports only that it timed out, which would hide the reason.
        let probe = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
            .await
            .map_err(|_| {
                open(OpenFailure::Other(format!(
                    "no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )))
            })?
            .map_err(|e| open(classify_connect_error(&e)))?;
        // The probe has done its job; a failed goodbye changes nothing.
        let _ = probe.close().await;

        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > PING_WHEN_IDLE_FOR {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_lazy_with(options);
        Ok(PostgresStore {
            pool,
            target,
            bulk: Default::default(),
            audit_head: Default::default(),
            grants: Default::default(),
        })
    }
}

/// Why a connection attempt failed, in the terms of [`OpenFailure`].
pub(crate) fn classify_connect_error(error: &sqlx::Error) -> OpenFailure {
    match error {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            OpenFailure::ConnectionRefused
        }
        sqlx::Error::Database(db) => match db.code().as_deref() {
            // invalid_password, invalid_authorization_specification (also an unknown role)
            Some("28P01" | "28000") => OpenFailure::AuthenticationFailed,
            // invalid_catalog_name
            Some("3D000") => OpenFailure::NoSuchDatabase,
            _ => OpenFailure::Other(db.message().to_owned()),
        },
        sqlx::Error::Configuration(e) => OpenFailure::Other(format!("invalid URL: {e}")),
        other => OpenFailure::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_io_is_connection_refused() {
        let e = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(classify_connect_error(&e), OpenFailure::ConnectionRefused);
        let e = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::TimedOut));
        assert!(matches!(classify_connect_error(&e), OpenFailure::Other(_)));
    }

    #[tokio::test]
    async fn a_malformed_url_is_refused_without_its_password() {
        let err = PostgresStore::connect("postgres://app:s3cret@host:notaport/db")
            .await
            .expect_err("the port is not a number");
        let StoreError::Open { target, reason } = &err else { panic!("{err:?}") };
        assert_eq!(target, "postgres://app:***@host:notaport/db");
        assert!(matches!(reason, OpenFailure::Other(m) if m.contains("invalid URL")), "{reason}");
        assert!(!err.to_string().contains("s3cret"));
    }
}
