//! Operations: what the service does, one file per resource, beneath both faces (the JSON
//! API and the pages). An operation takes the caller and a typed command, checks access,
//! calls the models in one transaction, writes the emails its events cause to the outbox
//! (through `email::events`), and returns a typed view or a refusal with a stable code.
//! No HTTP type crosses this layer: `api/` and `web/` only translate to and from it.

pub mod access;
pub mod accounts;
pub mod admin;
pub mod alerts;
pub mod attachments;
pub mod contact_requests;
pub mod conversations;
pub mod enterprises;
pub mod exchanges;
pub mod follow_up;
pub mod limits;
pub mod listings;
pub mod matches;
pub mod poles;
pub mod proposals;
pub mod reference;
pub mod reports;
pub mod resources;
pub mod search;
pub mod teasers;
pub mod transactions;
pub mod upkeep;
pub mod visits;

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::email::mailer::MailCapabilities;
use crate::links::Links;

/// What operations need besides the caller, the command and a connection.
#[derive(Clone)]
pub struct Env {
    pub clock: Clock,
    pub links: Links,
    pub settings: Arc<Settings>,
    pub mail: MailCapabilities,
}

impl Env {
    /// The environment of a command run outside the service (no mail server asked).
    pub fn for_commands(settings: &Settings) -> Env {
        Env {
            clock: Clock::system(),
            links: Links::new(settings.base_url(), settings.app.secret.clone()),
            settings: Arc::new(settings.clone()),
            mail: MailCapabilities::default(),
        }
    }
}

/// A keyset cursor of a list ordered by time then id: `<microseconds>.<id>`.
pub(crate) fn encode_time_cursor(at: chrono::DateTime<chrono::Utc>, id: i64) -> String {
    format!("{}.{id}", at.timestamp_micros())
}

/// The (time, id) of a cursor from [`encode_time_cursor`]; `None` when malformed.
pub(crate) fn decode_time_cursor(cursor: &str) -> Option<(chrono::DateTime<chrono::Utc>, i64)> {
    let (micros, id) = cursor.split_once('.')?;
    Some((
        chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?,
        id.parse().ok()?,
    ))
}

/// The `limit` of a list: 1–100, default 20 (422 `range`).
pub(crate) fn page_limit(errors: &mut crate::error::FieldErrors, limit: Option<i64>) -> i64 {
    let limit = limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        errors.add(
            "limit",
            crate::domain::Invalid::new("range")
                .with("min", 1)
                .with("max", 100),
        );
    }
    limit
}

/// The `cursor` of a list ordered by time then id (422 `invalid_cursor`); none when empty.
pub(crate) fn page_cursor(
    errors: &mut crate::error::FieldErrors,
    cursor: Option<&str>,
) -> Option<(chrono::DateTime<chrono::Utc>, i64)> {
    let cursor = cursor.filter(|c| !c.is_empty())?;
    let decoded = decode_time_cursor(cursor);
    if decoded.is_none() {
        errors.add("cursor", crate::domain::Invalid::new("invalid_cursor"));
    }
    decoded
}

/// An optional pôle of a list's filters, by slug (422 `unknown_pole`); none when empty.
pub(crate) fn pole_filter(
    conn: &mut diesel::PgConnection,
    errors: &mut crate::error::FieldErrors,
    slug: Option<&str>,
) -> crate::error::AppResult<Option<crate::models::ids::PoleId>> {
    Ok(match slug.filter(|s| !s.is_empty()) {
        Some(slug) => errors
            .check("pole", poles::by_slug(conn, slug)?)
            .map(|p| p.id),
        None => None,
    })
}
