//! The outbox worker: claims due messages, sends them outside any transaction, retries
//! failures with exponential backoff and jitter, and parks a message after too many tries.
//! Any number of workers can share one database (see `models::outbox::claim_due`).

use std::time::Duration;

use rand::Rng;
use tokio::sync::watch;

use super::events::{self, Links};
use super::mailer::{build_message, MailCapabilities, Mailer, SendFailure};
use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::models::{listing, outbox};

const BATCH: i64 = 20;
/// Longer than any send takes (SMTP timeout is 15 s), so a live worker never loses its lease.
const LEASE_SECS: i32 = 120;
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

/// The periodic upkeep the worker runs at start and every minute (see `ops::upkeep`),
/// given by whoever starts the worker: (connection, links, now, digest hour, days before an
/// agreed exchange's follow-up).
pub type Upkeep = fn(
    &mut diesel::PgConnection,
    &Links,
    chrono::DateTime<chrono::Utc>,
    u32,
    i64,
) -> crate::error::AppResult<()>;

#[derive(Clone)]
pub struct WorkerSettings {
    pub poll_interval: Duration,
    pub retry_initial_secs: u64,
    pub retry_max_secs: u64,
    pub max_attempts: i32,
    pub from: String,
    pub base_url: String,
    /// Links of the messages built by the upkeep (digests, expiry notices).
    pub links: Links,
    pub digest_hour: u32,
    /// `exchanges.follow_up_days`.
    pub follow_up_days: i64,
    /// Now, for the upkeep's dates (Paris); tests set it.
    pub clock: crate::clock::Clock,
    /// Refreshed by the upkeep: what the mail server announces.
    pub capabilities: MailCapabilities,
    pub smtp_url: String,
    pub upkeep: Upkeep,
}

impl std::fmt::Debug for WorkerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerSettings")
            .field("poll_interval", &self.poll_interval)
            .field("max_attempts", &self.max_attempts)
            .field("from", &self.from)
            .field("digest_hour", &self.digest_hour)
            .finish_non_exhaustive()
    }
}

impl WorkerSettings {
    pub fn from_settings(settings: &Settings, upkeep: Upkeep) -> WorkerSettings {
        WorkerSettings {
            poll_interval: Duration::from_millis(settings.mail.poll_interval_ms.max(10)),
            retry_initial_secs: settings.mail.retry_initial_secs.max(1),
            retry_max_secs: settings.mail.retry_max_secs.max(1),
            max_attempts: settings.mail.max_attempts.max(1),
            from: settings.mail.from.clone(),
            base_url: settings.base_url().to_string(),
            links: Links::new(settings.base_url(), settings.app.secret.clone()),
            digest_hour: settings.mail.digest_hour,
            follow_up_days: settings.exchanges.follow_up_days,
            clock: crate::clock::Clock::system(),
            capabilities: MailCapabilities::default(),
            smtp_url: settings.mail.smtp_url.clone(),
            upkeep,
        }
    }

    /// Delay before attempt `attempts + 1`: initial × 2^(attempts − 1), capped, ±20 % jitter
    /// so that messages failed together do not all retry together.
    pub fn backoff(&self, attempts: i32) -> chrono::Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        let base = self
            .retry_initial_secs
            .saturating_mul(1u64 << exponent)
            .min(self.retry_max_secs) as f64;
        let jittered = base * rand::thread_rng().gen_range(0.8..=1.2);
        chrono::Duration::milliseconds((jittered * 1000.0) as i64)
    }
}

/// Runs until `shutdown` turns true; finishes the message in hand before returning.
pub async fn run(
    pool: DbPool,
    mailer: Mailer,
    settings: WorkerSettings,
    mut shutdown: watch::Receiver<bool>,
) {
    tracing::info!(?mailer, "email worker started");
    // The upkeep runs at start, then every HOUSEKEEPING_EVERY.
    let mut last_housekeeping: Option<tokio::time::Instant> = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let sent = match process_batch(&pool, &mailer, &settings).await {
            Ok(count) => count,
            Err(error) => {
                tracing::warn!(error = %error, "email worker could not claim messages");
                0
            }
        };
        let links = settings.links.clone();
        let told = match db::run(&pool, move |conn| tell_queued_alerts(conn, &links)).await {
            Ok(count) => count,
            Err(error) => {
                tracing::warn!(error = %error, "could not tell the alerts of queued listings");
                0
            }
        };
        if last_housekeeping.is_none_or(|at| at.elapsed() > HOUSEKEEPING_EVERY) {
            last_housekeeping = Some(tokio::time::Instant::now());
            settings.capabilities.refresh(&settings.smtp_url).await;
            let links = settings.links.clone();
            let hour = settings.digest_hour;
            let follow_up_days = settings.follow_up_days;
            let now = settings.clock.now();
            let upkeep = settings.upkeep;
            if let Err(error) = db::run(&pool, move |conn| {
                upkeep(conn, &links, now, hour, follow_up_days)
            })
            .await
            {
                tracing::warn!(error = %error, "housekeeping failed");
            }
        }
        if sent == 0 && told == 0 {
            tokio::select! {
                _ = tokio::time::sleep(settings.poll_interval) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
    tracing::info!("email worker stopped");
}

/// How many queued listings one pass of the worker takes, each in its own transaction.
const ALERT_LISTINGS_PER_PASS: usize = 50;
/// A listing whose alerts fail this many times is given up (and logged as an error).
const ALERT_MAX_ATTEMPTS: i32 = 5;

/// Tells the alerts of up to [`ALERT_LISTINGS_PER_PASS`] queued listings (see
/// `events::listing_opened`); returns how many listings it took. Each listing's claim and
/// emails commit together, so any number of workers can share the queue. A listing whose
/// telling fails goes back on the queue after a growing delay, behind the others, and is
/// given up after [`ALERT_MAX_ATTEMPTS`]: one bad listing never holds up the rest.
pub fn tell_queued_alerts(
    conn: &mut diesel::PgConnection,
    links: &Links,
) -> crate::error::AppResult<usize> {
    use diesel::Connection;
    let mut taken = 0;
    while taken < ALERT_LISTINGS_PER_PASS {
        let claimed = conn.transaction(|conn| {
            let Some(queued) = crate::models::alert::claim_queued(conn)? else {
                return Ok::<_, crate::error::AppError>(false);
            };
            let id = queued.listing_id;
            // A savepoint: a failure undoes this listing's writes but keeps the claim.
            let told = conn.transaction(|conn| {
                let opened = listing::find(conn, id)?;
                events::tell_alerts(conn, links, &opened)
            });
            match told {
                Ok(count) => tracing::debug!(listing_id = %id, alerts = count, "alerts told"),
                Err(error) if queued.attempts + 1 >= ALERT_MAX_ATTEMPTS => {
                    tracing::error!(listing_id = %id, error = %error, "alerts of a listing given up");
                }
                Err(error) => {
                    let delay = 30 * 2i32.pow(queued.attempts.clamp(0, 10) as u32);
                    tracing::warn!(listing_id = %id, error = %error, retry_in_secs = delay, "could not tell a listing's alerts");
                    crate::models::alert::postpone(conn, queued, delay)?;
                }
            }
            Ok(true)
        })?;
        if !claimed {
            break;
        }
        taken += 1;
    }
    Ok(taken)
}

/// Claims and sends one batch; returns how many messages were handled.
pub async fn process_batch(
    pool: &DbPool,
    mailer: &Mailer,
    settings: &WorkerSettings,
) -> anyhow::Result<usize> {
    let claimed = db::run(pool, |conn| Ok(outbox::claim_due(conn, BATCH, LEASE_SECS)?))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let count = claimed.len();
    for row in claimed {
        let id = row.id;
        let attempts = row.attempts;
        // A message that cannot even be built (a recipient no server accepts) never will be.
        let result = match build_message(&settings.from, &settings.base_url, &row) {
            Ok(message) => mailer.send(message, id.0).await,
            Err(error) => Err(SendFailure::permanent(error)),
        };
        let outcome = match result {
            Ok(()) => {
                tracing::info!(outbox_id = %id, recipient = %row.recipient, "email sent");
                record_outcome(pool, move |conn| Ok(outbox::mark_sent(conn, id)?)).await
            }
            Err(failure) => {
                let give_up = failure.permanent || attempts >= settings.max_attempts;
                let retry_in = settings.backoff(attempts);
                let text = format!("{:#}", failure.error);
                if failure.permanent {
                    tracing::error!(outbox_id = %id, error = %text, "email refused for good, parked as dead");
                } else if give_up {
                    tracing::error!(outbox_id = %id, attempts, error = %text, "email parked as dead");
                } else {
                    tracing::warn!(outbox_id = %id, attempts, error = %text, retry_in_secs = retry_in.num_seconds(), "email failed, will retry");
                }
                record_outcome(pool, move |conn| {
                    Ok(outbox::mark_failed(conn, id, &text, retry_in, give_up)?)
                })
                .await
            }
        };
        if let Err(error) = outcome {
            // The database stayed away for the whole lease: the message is tried again
            // when it expires (at least once; its Message-ID lets receivers drop a
            // duplicate). The rest of the batch is not sent now, so that nothing else is
            // sent without its outcome recorded; their leases expire too.
            tracing::warn!(outbox_id = %id, error = %error, "could not record the email's outcome");
            break;
        }
    }
    Ok(count)
}

/// How long the worker keeps trying to record what happened to a message it sent: almost
/// the whole lease, so that a failover or a restart of PostgreSQL (seconds, a minute)
/// does not make the message be sent again.
const RECORD_FOR: Duration = Duration::from_secs(LEASE_SECS as u64 - 15);

/// Records a message's outcome, trying again every half second while the database is
/// unreachable, up to [`RECORD_FOR`].
async fn record_outcome<F>(pool: &DbPool, record: F) -> crate::error::AppResult<usize>
where
    F: FnOnce(&mut diesel::PgConnection) -> crate::error::AppResult<usize> + Clone + Send + 'static,
{
    let deadline = std::time::Instant::now() + RECORD_FOR;
    loop {
        match db::run(pool, record.clone()).await {
            Err(crate::error::AppError::Unavailable(error))
                if std::time::Instant::now() < deadline =>
            {
                tracing::debug!(error = %error, "recording an email's outcome: database away, trying again");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> WorkerSettings {
        WorkerSettings {
            poll_interval: Duration::from_millis(100),
            retry_initial_secs: 30,
            retry_max_secs: 3600,
            max_attempts: 10,
            from: "a@b.c".into(),
            base_url: "http://localhost".into(),
            links: Links::new("http://localhost", "test-secret".to_string().into()),
            digest_hour: 7,
            follow_up_days: 30,
            clock: crate::clock::Clock::system(),
            capabilities: MailCapabilities::default(),
            smtp_url: String::new(),
            upkeep: |_, _, _, _, _| Ok(()),
        }
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let s = settings();
        for (attempts, base) in [(1, 30.0), (2, 60.0), (3, 120.0), (8, 3600.0), (30, 3600.0)] {
            let secs = s.backoff(attempts).num_milliseconds() as f64 / 1000.0;
            assert!(
                secs >= base * 0.8 - 0.001 && secs <= base * 1.2 + 0.001,
                "{attempts}: {secs}"
            );
        }
    }
}
