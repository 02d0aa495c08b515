//! Reads on a PostgreSQL streaming replica (`database.replica_url`), with the guarantees a
//! user expects: a caller reads what it has just written, and a replica that is down or
//! late is left aside until it recovers.
//!
//! * **Which reads.** Only the read-heavy paths ask for the replica (listing search and
//!   pages, the pôle directory, reference data, reports and CSV exports, through
//!   `AppState::read`); everything that writes, and every read inside a write, uses the
//!   primary.
//! * **Read your own writes.** After a write, the primary's WAL position (LSN) is given to
//!   the caller: in the `PTCE-Read-After` header and the `ptce_read_after` cookie, and on
//!   the bearer token's row (so any app node knows it). A read carrying a position goes to
//!   the replica only once the replica has replayed past it, else to the primary.
//! * **Lag and outages.** A sampler asks the replica every half second how far it has
//!   replayed; when it cannot answer, or lags more than `database.replica_max_lag_secs`,
//!   reads go to the primary by themselves and come back when it recovers. A read that
//!   fails on the replica (connection lost, a query cancelled by recovery) is run again on
//!   the primary.

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::sql_types::{Nullable, Text};
use diesel::{PgConnection, QueryableByName, RunQueryDsl};

use diesel::r2d2::{ConnectionManager, ManageConnection, Pool};

use super::DbPool;

/// Connections to a standby only: each is checked out after `pg_is_in_recovery()` says
/// so. A server promoted by a failover is left (its connections are dropped and new ones
/// made through the URL, whose `target_session_attrs` finds a standby), so the replica
/// pool never keeps reading from a primary and counting it as a replica.
#[derive(Debug)]
pub struct StandbyManager(ConnectionManager<PgConnection>);

impl StandbyManager {
    pub fn new(url: &str) -> StandbyManager {
        StandbyManager(ConnectionManager::new(url))
    }
}

impl ManageConnection for StandbyManager {
    type Connection = PgConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PgConnection, Self::Error> {
        self.0.connect()
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<(), Self::Error> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            standby: bool,
        }
        let row: Row = diesel::sql_query("SELECT pg_is_in_recovery() AS standby")
            .get_result(conn)
            .map_err(diesel::r2d2::Error::QueryError)?;
        if row.standby {
            Ok(())
        } else {
            Err(diesel::r2d2::Error::QueryError(
                diesel::result::Error::QueryBuilderError("not a standby any more".into()),
            ))
        }
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        self.0.has_broken(conn)
    }
}

/// The replica pool: standbys only, a short wait for a connection (a replica that does not
/// answer is left for the primary).
pub type StandbyPool = Pool<StandbyManager>;

pub fn build_pool(url: &str, size: u32) -> StandbyPool {
    Pool::builder()
        .max_size(size)
        .min_idle(Some(1.min(size)))
        .connection_timeout(Duration::from_secs(1))
        .test_on_check_out(true)
        .error_handler(Box::new(QuietStandbyErrors))
        .build_unchecked(StandbyManager::new(url))
}

/// A replica that is down, or a server that is no standby any more, is an expected state
/// the sampler reports (`db_replica_up`), not an error: r2d2's failures to connect are
/// logged at debug level here, not once per attempt at error level.
#[derive(Debug)]
struct QuietStandbyErrors;

impl diesel::r2d2::HandleError<diesel::r2d2::Error> for QuietStandbyErrors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        tracing::debug!(%error, "replica connection refused");
    }
}

/// A WAL position (`pg_lsn`, written `16/B374D848`), comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lsn(pub u64);

impl FromStr for Lsn {
    type Err = ();

    fn from_str(text: &str) -> Result<Lsn, ()> {
        let (high, low) = text.trim().split_once('/').ok_or(())?;
        let high = u64::from_str_radix(high, 16).map_err(|_| ())?;
        let low = u64::from_str_radix(low, 16).map_err(|_| ())?;
        if high > u32::MAX as u64 || low > u32::MAX as u64 {
            return Err(());
        }
        Ok(Lsn((high << 32) | low))
    }
}

impl std::fmt::Display for Lsn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

/// The primary's current WAL position, after a write.
pub fn current_lsn(conn: &mut PgConnection) -> diesel::QueryResult<Option<Lsn>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        lsn: String,
    }
    let row: Row =
        diesel::sql_query("SELECT pg_current_wal_lsn()::text AS lsn").get_result(conn)?;
    Ok(row.lsn.parse().ok())
}

/// Where a read goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Primary,
    Replica,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Primary => "primary",
            Target::Replica => "replica",
        }
    }
}

/// The replica pool and what the sampler last saw of it.
pub struct Replica {
    pub pool: StandbyPool,
    max_lag: Duration,
    up: AtomicBool,
    /// Lag in milliseconds (0 when replayed up to the primary).
    lag_ms: AtomicU64,
    replayed: AtomicU64,
    /// Positions the primary reached and when the sampler first saw them, oldest first,
    /// while the replica has not replayed them: the lag is the age of the oldest.
    pending: std::sync::Mutex<std::collections::VecDeque<(Lsn, std::time::Instant)>>,
}

impl Replica {
    pub fn new(pool: StandbyPool, max_lag: Duration) -> Arc<Replica> {
        Arc::new(Replica {
            pool,
            max_lag,
            up: AtomicBool::new(false),
            lag_ms: AtomicU64::new(u64::MAX),
            replayed: AtomicU64::new(0),
            pending: Default::default(),
        })
    }

    /// Where a read that must see `read_after` goes now.
    pub fn target_for(&self, read_after: Option<Lsn>) -> Target {
        let fresh = self.up.load(Ordering::Relaxed)
            && self.lag_ms.load(Ordering::Relaxed) <= self.max_lag.as_millis() as u64;
        let caught_up = read_after.is_none_or(|lsn| self.replayed.load(Ordering::Relaxed) >= lsn.0);
        if fresh && caught_up {
            Target::Replica
        } else {
            Target::Primary
        }
    }

    /// Lag in seconds, `None` while the replica does not answer.
    pub fn lag_secs(&self) -> Option<f64> {
        self.up
            .load(Ordering::Relaxed)
            .then(|| self.lag_ms.load(Ordering::Relaxed) as f64 / 1000.0)
    }

    /// A read failed on the replica: leave it aside until the sampler sees it again.
    pub fn mark_down(&self) {
        self.up.store(false, Ordering::Relaxed);
    }

    /// One look at both: the primary's position, then the replica's replay. The lag is how
    /// long ago the sampler first saw the oldest primary position the replica has not
    /// replayed yet (0 when it has replayed everything): it needs no clock shared between
    /// servers and no recent transaction on the replica.
    pub fn sample(&self, primary: &DbPool) {
        let primary_lsn = primary
            .get()
            .ok()
            .and_then(|mut conn| current_lsn(&mut conn).ok().flatten());
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Nullable<Text>)]
            replayed: Option<String>,
        }
        // The pool hands out standbys only (see `StandbyManager`); should one be promoted
        // between the check and the query, it reports no replay position (a promoted
        // standby keeps its last one for ever) and counts as up to date.
        let seen = self.pool.get().ok().and_then(|mut conn| {
            diesel::sql_query(
                "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END
                        AS replayed",
            )
            .get_result::<Row>(&mut conn)
            .ok()
        });
        let Some(row) = seen else {
            self.up.store(false, Ordering::Relaxed);
            return;
        };
        // A server that is not in recovery (no replay position) is a primary: after a
        // failover the replica URL may reach the new primary, which is up to date.
        let replayed = row.replayed.as_deref().and_then(|t| t.parse::<Lsn>().ok());
        let now = std::time::Instant::now();
        let lag_ms = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(p) = primary_lsn {
                if pending.back().is_none_or(|(last, _)| *last < p) {
                    pending.push_back((p, now));
                }
            }
            match replayed {
                None => pending.clear(),
                Some(r) => {
                    while pending.front().is_some_and(|(lsn, _)| *lsn <= r) {
                        pending.pop_front();
                    }
                }
            }
            pending
                .front()
                .map(|(_, since)| now.duration_since(*since).as_millis() as u64)
                .unwrap_or(0)
        };
        if let Some(r) = replayed.or(primary_lsn) {
            self.replayed.store(r.0, Ordering::Relaxed);
        }
        self.lag_ms.store(lag_ms, Ordering::Relaxed);
        self.up.store(true, Ordering::Relaxed);
    }
}

/// How often the sampler looks.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(500);

/// Samples the replica until the process ends (one blocking-pool call at a time).
pub async fn keep_sampling(replica: Arc<Replica>, primary: DbPool) {
    loop {
        let (r, p) = (replica.clone(), primary.clone());
        let _ = actix_web::web::block(move || r.sample(&p)).await;
        tokio::time::sleep(SAMPLE_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsns_read_compare_and_print_as_postgresql_writes_them() {
        let a: Lsn = "16/B374D848".parse().unwrap();
        let b: Lsn = "17/0".parse().unwrap();
        assert!(a < b);
        assert_eq!(a.to_string(), "16/B374D848");
        assert_eq!(a.0, 0x16_B374_D848);
        assert!("nonsense".parse::<Lsn>().is_err());
        assert!("1/FFFFFFFFF".parse::<Lsn>().is_err());
    }
}
