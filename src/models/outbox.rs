//! The email outbox: rows written with the event that causes them, claimed by workers.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use super::ids::OutboxId;
use crate::schema::outbox;

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    pub id: OutboxId,
    pub dedup_key: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// One-click unsubscribe link (RFC 8058) for notifications; none for transactional mail.
    pub unsubscribe_url: Option<String>,
    /// An iCalendar file (RFC 5545) sent as `visite.ics` with the message.
    pub calendar_ics: Option<String>,
}

/// A rendered email waiting to be written to the outbox.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewEmail {
    /// Unique per event and recipient: enqueuing the same event twice sends one email.
    pub dedup_key: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub unsubscribe_url: Option<String>,
    /// An iCalendar file (RFC 5545) to attach: a visit's confirmation carries its `.ics`.
    pub calendar_ics: Option<String>,
}

/// Writes the email unless one with the same key exists. Call it inside the transaction
/// of the event, so the email exists exactly when the event does.
pub fn enqueue(conn: &mut PgConnection, email: &NewEmail) -> QueryResult<usize> {
    diesel::insert_into(outbox::table)
        .values(email)
        .on_conflict(outbox::dedup_key)
        .do_nothing()
        .execute(conn)
}

/// Writes several emails, a thousand a statement (PostgreSQL takes at most 65,535 bound
/// parameters), skipping those whose key exists.
pub fn enqueue_all(conn: &mut PgConnection, emails: &[NewEmail]) -> QueryResult<usize> {
    let mut written = 0;
    for chunk in emails.chunks(1000) {
        written += diesel::insert_into(outbox::table)
            .values(chunk)
            .on_conflict(outbox::dedup_key)
            .do_nothing()
            .execute(conn)?;
    }
    Ok(written)
}

/// Claims up to `batch` due messages for `lease_secs`: other workers skip locked rows and
/// leased ones, so each message has one sender at a time. A worker that dies mid-send
/// leaves its lease to expire, and the message is tried again.
pub fn claim_due(
    conn: &mut PgConnection,
    batch: i64,
    lease_secs: i32,
) -> QueryResult<Vec<OutboxMessage>> {
    diesel::sql_query(
        "UPDATE outbox SET locked_until = now() + make_interval(secs => $2), attempts = attempts + 1
         WHERE id IN (
             SELECT id FROM outbox
             WHERE status = 'pending' AND next_attempt_at <= now()
               AND (locked_until IS NULL OR locked_until < now())
             ORDER BY next_attempt_at, id
             LIMIT $1
             FOR UPDATE SKIP LOCKED)
         RETURNING *",
    )
    .bind::<BigInt, _>(batch)
    .bind::<Integer, _>(lease_secs)
    .load(conn)
}

pub fn mark_sent(conn: &mut PgConnection, id: OutboxId) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq("sent"),
            outbox::sent_at.eq(diesel::dsl::now),
            outbox::locked_until.eq(None::<DateTime<Utc>>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
}

/// Records a failed attempt: retry after `retry_in`, or park as dead when `give_up`.
pub fn mark_failed(
    conn: &mut PgConnection,
    id: OutboxId,
    error: &str,
    retry_in: Duration,
    give_up: bool,
) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(if give_up { "dead" } else { "pending" }),
            outbox::next_attempt_at.eq(Utc::now() + retry_in),
            outbox::locked_until.eq(None::<DateTime<Utc>>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
}

/// Messages not yet sent (pending and dead), for `/metrics`.
pub fn backlog(conn: &mut PgConnection) -> QueryResult<(i64, i64)> {
    let pending = outbox::table
        .filter(outbox::status.eq("pending"))
        .count()
        .get_result(conn)?;
    let dead = outbox::table
        .filter(outbox::status.eq("dead"))
        .count()
        .get_result(conn)?;
    Ok((pending, dead))
}

pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .select(OutboxMessage::as_select())
        .order(outbox::id)
        .load(conn)
}

/// Messages parked as dead, newest first.
pub fn dead(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .filter(outbox::status.eq("dead"))
        .select(OutboxMessage::as_select())
        .order(outbox::id.desc())
        .limit(limit)
        .load(conn)
}

/// Puts dead messages back in the queue with a fresh count of attempts: one (`Some(id)`)
/// or all of them. Returns how many.
pub fn retry_dead(conn: &mut PgConnection, id: Option<OutboxId>) -> QueryResult<usize> {
    let mut query = diesel::update(outbox::table)
        .filter(outbox::status.eq("dead"))
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(outbox::id.eq(id));
    }
    query
        .set((
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(diesel::dsl::now),
            outbox::locked_until.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
}
