//! Emails about learning visits, family `visits`, in each reader's language: a new visit
//! to its audience, a registration confirmed (with the visit's `.ics` attached) or put on
//! the waiting list, a seat freed for the first of the waiting list, the reminder two days
//! before, a change of time or place, a registration cancelled by someone else, a
//! cancellation.

use diesel::prelude::*;

use super::events::{send, send_with_calendar};
use super::messages::Notice;
use crate::domain::account::Family;
use crate::domain::Arg;
use crate::links::Links;
use crate::models::account::{self, Recipient};
use crate::models::ids::{AccountId, PoleId};
use crate::models::visit::{Registration, Visit};
use crate::schema::{enterprise_accounts, memberships};

/// What every visit email says: its title, when (Paris time, the reader's way), where.
pub struct VisitNotice<'a> {
    pub visit: &'a Visit,
    pub pole_name: &'a str,
    pub commune_name: &'a str,
}

impl VisitNotice<'_> {
    fn notice(&self, key: &'static str, links: &Links) -> Notice {
        Notice::new(key, links.page(&format!("/visits/{}", self.visit.id)))
            .with("title", self.visit.title.as_str())
            .with("pole", self.pole_name)
            .with("place", self.commune_name)
            .with("when", Arg::Time(self.visit.starts_at))
    }
}

/// Accounts of the enterprises approved in `pole` (or in any pôle, for the network).
fn audience(conn: &mut PgConnection, pole: Option<PoleId>) -> QueryResult<Vec<AccountId>> {
    let mut query = enterprise_accounts::table
        .inner_join(
            memberships::table
                .on(memberships::enterprise_id.eq(enterprise_accounts::enterprise_id)),
        )
        .filter(memberships::status.eq("approved"))
        .select(enterprise_accounts::account_id)
        .distinct()
        .into_boxed();
    if let Some(pole) = pole {
        query = query.filter(memberships::pole_id.eq(pole));
    }
    query.load(conn)
}

/// A new visit: its audience is told (every member of the network, or the pôle's).
pub fn visit_planned(
    conn: &mut PgConnection,
    links: &Links,
    about: &VisitNotice<'_>,
    only_pole: bool,
) -> QueryResult<()> {
    let pole = only_pole.then_some(about.visit.pole_id);
    let mut ids = audience(conn, pole)?;
    ids.retain(|id| *id != about.visit.created_by);
    let recipients = account::recipients(conn, &ids)?;
    send(
        conn,
        links,
        recipients,
        Family::Visits,
        &format!("visit:{}:planned", about.visit.id),
        &about.notice("email-visit-planned", links),
    )
}

/// A registration was taken: confirmed (with the `.ics`) or on the waiting list.
pub fn registered(
    conn: &mut PgConnection,
    links: &Links,
    about: &VisitNotice<'_>,
    registration: &Registration,
    calendar_ics: &str,
    waitlist_position: Option<i64>,
) -> QueryResult<()> {
    let recipients = account::recipients(conn, &[registration.account_id])?;
    let event = format!(
        "visit-registration:{}:{}",
        registration.id,
        registration.status.as_str()
    );
    match waitlist_position {
        None => send_with_calendar(
            conn,
            links,
            recipients,
            Family::Visits,
            &event,
            &about.notice("email-visit-confirmed", links),
            Some(calendar_ics),
        ),
        Some(position) => send(
            conn,
            links,
            recipients,
            Family::Visits,
            &event,
            &about
                .notice("email-visit-waitlisted", links)
                .with("position", position),
        ),
    }
}

/// A seat freed: the first of the waiting list is confirmed (with the `.ics`).
pub fn promoted(
    conn: &mut PgConnection,
    links: &Links,
    about: &VisitNotice<'_>,
    registration: &Registration,
    calendar_ics: &str,
) -> QueryResult<()> {
    let recipients = account::recipients(conn, &[registration.account_id])?;
    send_with_calendar(
        conn,
        links,
        recipients,
        Family::Visits,
        &format!("visit-registration:{}:promoted", registration.id),
        &about.notice("email-visit-promoted", links),
        Some(calendar_ics),
    )
}

fn registrants(conn: &mut PgConnection, standing: &[Registration]) -> QueryResult<Vec<Recipient>> {
    let ids: Vec<AccountId> = standing.iter().map(|r| r.account_id).collect();
    account::recipients(conn, &ids)
}

/// Two days before: the confirmed participants are reminded.
pub fn reminder(
    conn: &mut PgConnection,
    links: &Links,
    about: &VisitNotice<'_>,
    confirmed: &[Registration],
) -> QueryResult<()> {
    let recipients = registrants(conn, confirmed)?;
    send(
        conn,
        links,
        recipients,
        Family::Visits,
        &format!("visit:{}:reminder:{}", about.visit.id, about.visit.sequence),
        &about.notice("email-visit-reminder", links),
    )
}

/// The visit is cancelled: everyone registered (confirmed or waiting) is told, with the
/// cancelled `.ics` so calendars drop it.
pub fn cancelled(
    conn: &mut PgConnection,
    links: &Links,
    about: &VisitNotice<'_>,
    standing: &[Registration],
    calendar_ics: &str,
) -> QueryResult<()> {
    let recipients = registrants(conn, standing)?;
    send_with_calendar(
        conn,
        links,
        recipients,
        Family::Visits,
        &format!("visit:{}:cancelled", about.visit.id),
        &about.notice("email-visit-cancelled", links),
        Some(calendar_ics),
    )
}

/// The visit moved (time or place): everyone registered is told, with the new `.ics`.
pub fn changed(
    conn: &mut PgConnection,
    links: &Links,
    about: &VisitNotice<'_>,
    standing: &[Registration],
    calendar_ics: &str,
) -> QueryResult<()> {
    let recipients = registrants(conn, standing)?;
    send_with_calendar(
        conn,
        links,
        recipients,
        Family::Visits,
        &format!("visit:{}:changed:{}", about.visit.id, about.visit.sequence),
        &about.notice("email-visit-changed", links),
        Some(calendar_ics),
    )
}

/// An organiser (or a colleague) cancelled someone's registration: that person is told.
pub fn unregistered(
    conn: &mut PgConnection,
    links: &Links,
    about: &VisitNotice<'_>,
    registration: &Registration,
) -> QueryResult<()> {
    let recipients = account::recipients(conn, &[registration.account_id])?;
    send(
        conn,
        links,
        recipients,
        Family::Visits,
        &format!("visit-registration:{}:cancelled", registration.id),
        &about.notice("email-visit-unregistered", links),
    )
}
