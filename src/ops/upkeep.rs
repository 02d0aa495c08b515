//! The periodic upkeep the worker runs (every minute, and at start): dates that pass,
//! digests that fall due, teasers to keep anonymous, counters and tokens to forget.

use crate::email::{digest, events};
use crate::links::Links;
use crate::models::{account, listing, matching, rate_limit};

/// How many days before its end date a listing's owners are warned.
pub const EXPIRY_NOTICE_DAYS: u64 = 3;

/// Periodic upkeep, idempotent and safe on any number of nodes: expire listings past their
/// end date (withdrawing their matches), warn the owners of listings ending within three
/// days, build the daily digests once their hour has come (`now`, Europe/Paris), refresh
/// what takeover teasers show as the directory changes, and purge expired tokens,
/// idempotency keys and abuse-limit counters; email unread messages once their batching
/// delay has passed, remind the exchanges left agreed `follow_up_days` without news, and
/// remind the participants of a learning visit two days before it.
pub fn run(
    conn: &mut diesel::PgConnection,
    links: &Links,
    now: chrono::DateTime<chrono::Utc>,
    digest_hour: u32,
    follow_up_days: i64,
) -> crate::error::AppResult<()> {
    use diesel::Connection;
    conn.transaction(|conn| {
        let today = crate::clock::paris_date(now);
        let expired = listing::expire_due(conn, today)?;
        for id in &expired {
            matching::withdraw_for_listing(conn, *id)?;
        }
        if !expired.is_empty() {
            tracing::info!(count = expired.len(), "listings expired");
        }
        let expiring = listing::expiring_unwarned(conn, today, EXPIRY_NOTICE_DAYS)?;
        for soon in &expiring {
            events::listing_expiring(conn, links, soon)?;
            listing::mark_expiry_warned(conn, soon.id)?;
        }
        account::purge_expired_tokens(conn)?;
        crate::models::idempotency::purge_expired(conn)?;
        rate_limit::purge(conn)?;
        Ok::<_, crate::error::AppError>(())
    })?;
    super::teasers::refresh_all_teasers(conn)?;
    let told = super::conversations::send_due_notices(conn, links, now)?;
    let reminded = super::follow_up::remind_due(conn, links, now, follow_up_days)?;
    if reminded > 0 {
        tracing::info!(count = reminded, "exchange follow-ups enqueued");
    }
    let visits = super::visits::send_reminders(conn, links, now)?;
    if visits > 0 {
        tracing::info!(count = visits, "visit reminders enqueued");
    }
    if told > 0 {
        tracing::info!(count = told, "message notices enqueued");
    }
    let digests = digest::send_due(conn, links, now, digest_hour)?;
    if digests > 0 {
        tracing::info!(count = digests, "daily digests enqueued");
    }
    Ok(())
}
