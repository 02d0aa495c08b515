//! Database access: the r2d2 pool, embedded migrations, and the one helper that runs
//! blocking diesel code off the async workers.

pub mod embedded;
pub mod replica;

use std::time::Duration;

use anyhow::Context;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{AppError, AppResult};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type DbPool = Pool<ConnectionManager<PgConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

/// Builds the pool without connecting, so a service started while the database is down
/// still answers `/health/ready` with 503 and recovers when the database returns.
pub fn build_pool(url: &str, size: u32, connect_timeout: Duration) -> DbPool {
    let manager = ConnectionManager::<PgConnection>::new(url);
    Pool::builder()
        .max_size(size)
        .min_idle(Some(1.min(size)))
        .connection_timeout(connect_timeout)
        // A connection broken since its last use (PostgreSQL restarted, failed over, or
        // ended it) is found by one `SELECT 1` and replaced before it reaches a request:
        // otherwise it would be handed out again and fail with "no connection to the
        // server".
        .test_on_check_out(true)
        .build_unchecked(manager)
}

/// Applies every pending migration; returns how many ran.
pub fn run_migrations(conn: &mut PgConnection) -> anyhow::Result<usize> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
    Ok(applied.len())
}

/// Runs `f` with a pooled connection on actix's blocking thread pool, inside the current
/// tracing span. The connection is taken inside the closure, so waiting for one never
/// blocks an async worker.
pub async fn run<M, F, T>(pool: &Pool<M>, f: F) -> AppResult<T>
where
    M: diesel::r2d2::ManageConnection<Connection = PgConnection>,
    F: FnOnce(&mut PgConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    actix_web::web::block(move || {
        let _entered = span.enter();
        let mut conn = pool.get().map_err(AppError::from)?;
        f(&mut conn)
    })
    .await?
}

/// Connects once, outside the pool (commands and start-up).
pub fn connect(url: &str) -> anyhow::Result<PgConnection> {
    use diesel::Connection;
    PgConnection::establish(url).with_context(|| "connecting to PostgreSQL".to_string())
}

/// Runs `f` on a fresh database created beside the one `url` names (same server and
/// user), migrated; drops it afterwards, whatever `f` returns. For one-off measures such
/// as `ptce evaluate-matching`, which must not touch the service's data.
pub fn with_scratch_database<T>(
    url: &str,
    f: impl FnOnce(&mut PgConnection, &str) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    use diesel::RunQueryDsl;
    let mut server = url::Url::parse(url).context("the database URL")?;
    let name = format!(
        "ptce_scratch_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
    );
    server.set_path("/postgres");
    let mut admin = connect(server.as_str())?;
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .context("creating a scratch database")?;
    let mut scratch_url = server.clone();
    scratch_url.set_path(&format!("/{name}"));
    let result = (|| {
        let mut conn = connect(scratch_url.as_str())?;
        run_migrations(&mut conn)?;
        f(&mut conn, scratch_url.as_str())
    })();
    let dropped = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin);
    if let Err(error) = dropped {
        tracing::warn!(%error, database = %name, "could not drop the scratch database");
    }
    result
}
