//! The daily digest: once a day, at `mail.digest_hour` (Europe/Paris), each account that
//! chose the digest for some family gets one email with the events kept for it, and none
//! when there is nothing.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use diesel::prelude::*;

use super::messages::{self, Addressee, DigestLine};
use crate::links::Links;
use crate::models::{account, digest, outbox};

/// The Paris day whose digest is due at `now`, and the instant it was due; none before
/// the hour. Events from before that instant go into that day's digest.
pub fn due(now: DateTime<Utc>, hour: u32) -> Option<(NaiveDate, DateTime<Utc>)> {
    let local = now.with_timezone(&Paris);
    let date = local.date_naive();
    let at = date.and_hms_opt(hour.min(23), 0, 0)?;
    // `earliest` settles the hour that happens twice when clocks go back; an hour skipped
    // when they go forward is not a whole hour at 2 a.m. on any digest hour but 2.
    let cutoff = Paris
        .from_local_datetime(&at)
        .earliest()
        .unwrap_or_else(|| Paris.from_utc_datetime(&at))
        .with_timezone(&Utc);
    (now >= cutoff).then_some((date, cutoff))
}

/// Builds and enqueues the digests due at `now`; returns how many were enqueued. Safe on
/// any number of workers: events are claimed with SKIP LOCKED and a digest's outbox key is
/// unique per account and day.
pub fn send_due(
    conn: &mut PgConnection,
    links: &Links,
    now: DateTime<Utc>,
    hour: u32,
) -> QueryResult<usize> {
    let Some((date, cutoff)) = due(now, hour) else {
        return Ok(0);
    };
    let mut enqueued = 0;
    for account_id in digest::accounts_waiting(conn, cutoff)? {
        enqueued += conn.transaction(|conn| {
            let items = digest::claim_waiting(conn, account_id, cutoff)?;
            if items.is_empty() {
                return Ok::<_, diesel::result::Error>(0);
            }
            let recipient = account::find(conn, account_id)?;
            let lines: Vec<DigestLine> = items
                .iter()
                .map(|item| DigestLine {
                    subject: item.subject.clone(),
                    summary: item.summary.clone(),
                    link: item.link.clone(),
                })
                .collect();
            let email = messages::digest(
                format!("digest:{account_id}:{date}"),
                &Addressee::from(&recipient),
                date,
                &lines,
                &links.page("/"),
                links.unsubscribe_url(account_id),
            );
            // A digest already sent today for this account: these events wait for tomorrow's.
            if outbox::enqueue(conn, &email)? == 0 {
                return Ok(0);
            }
            let ids: Vec<_> = items.iter().map(|item| item.id).collect();
            digest::mark_sent(conn, &ids, date)?;
            Ok(1)
        })?;
    }
    Ok(enqueued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_digest_is_due_from_its_paris_hour() {
        // Winter: Paris is UTC+1, so 7:00 in Paris is 6:00 UTC.
        assert_eq!(due(utc("2026-01-15T05:59:00Z"), 7), None);
        assert_eq!(
            due(utc("2026-01-15T06:00:00Z"), 7),
            Some((
                NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
                utc("2026-01-15T06:00:00Z")
            ))
        );
        // Summer: UTC+2.
        assert_eq!(
            due(utc("2026-07-15T05:30:00Z"), 7).map(|d| d.1),
            Some(utc("2026-07-15T05:00:00Z"))
        );
        // Late evening UTC is already the next day in Paris.
        assert_eq!(
            due(utc("2026-07-15T22:30:00Z"), 0).map(|d| d.0),
            Some(NaiveDate::from_ymd_opt(2026, 7, 16).unwrap())
        );
    }
}
