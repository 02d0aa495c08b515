//! Learning visits and their registrations. Seats are counted under the visit's row lock
//! (`find_for_update`), so concurrent registrations never exceed the capacity.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::ids::{AccountId, EnterpriseId, PoleId, RegistrationId, VisitId};
use crate::domain::visit::{Audience, RegistrationStatus, Theme, TransversalIssue, VisitStatus};
use crate::schema::{enterprises, memberships, poles, visit_registrations, visits};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = visits)]
pub struct Visit {
    pub id: VisitId,
    pub pole_id: PoleId,
    pub title: String,
    pub description: String,
    pub theme: Theme,
    pub transversal_issue: TransversalIssue,
    pub host_enterprise_id: Option<EnterpriseId>,
    /// INSEE code of the commune where it takes place.
    pub commune_code: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    pub registration_deadline: DateTime<Utc>,
    pub audience: Audience,
    /// `planned` or `cancelled` (held is derived from the end).
    pub status: VisitStatus,
    /// RFC 5545 SEQUENCE: one more at each change calendars must see.
    pub sequence: i32,
    pub reminder_sent_at: Option<DateTime<Utc>>,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = visits)]
pub struct VisitFields {
    pub title: String,
    pub description: String,
    pub theme: Theme,
    pub transversal_issue: TransversalIssue,
    pub host_enterprise_id: Option<EnterpriseId>,
    pub commune_code: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    pub registration_deadline: DateTime<Utc>,
    pub audience: Audience,
}

pub fn insert(
    conn: &mut PgConnection,
    pole: PoleId,
    fields: &VisitFields,
    by: AccountId,
    now: DateTime<Utc>,
) -> QueryResult<Visit> {
    diesel::insert_into(visits::table)
        .values((
            fields,
            visits::pole_id.eq(pole),
            visits::created_by.eq(by),
            visits::created_at.eq(now),
            visits::updated_at.eq(now),
        ))
        .returning(Visit::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: VisitId) -> QueryResult<Visit> {
    visits::table
        .find(id)
        .select(Visit::as_select())
        .first(conn)
}

/// The visit, its row locked until the transaction ends: registrations and cancellations
/// of one visit happen one after the other.
pub fn find_for_update(conn: &mut PgConnection, id: VisitId) -> QueryResult<Visit> {
    visits::table
        .find(id)
        .select(Visit::as_select())
        .for_update()
        .first(conn)
}

/// Changes a visit; a change of time or place tells calendars (SEQUENCE + 1). The
/// reminder is sent again if the visit moved.
pub fn update(
    conn: &mut PgConnection,
    id: VisitId,
    fields: &VisitFields,
    moved: bool,
    now: DateTime<Utc>,
) -> QueryResult<Visit> {
    let bump = if moved { 1 } else { 0 };
    diesel::update(visits::table.find(id))
        .set((
            fields,
            visits::sequence.eq(visits::sequence + bump),
            visits::updated_at.eq(now),
        ))
        .returning(Visit::as_returning())
        .get_result(conn)?;
    if moved {
        diesel::update(visits::table.find(id))
            .set(visits::reminder_sent_at.eq(None::<DateTime<Utc>>))
            .execute(conn)?;
    }
    find(conn, id)
}

pub fn cancel(conn: &mut PgConnection, id: VisitId, now: DateTime<Utc>) -> QueryResult<Visit> {
    diesel::update(visits::table.find(id))
        .set((
            visits::status.eq(VisitStatus::Cancelled),
            visits::cancelled_at.eq(Some(now)),
            visits::sequence.eq(visits::sequence + 1),
            visits::updated_at.eq(now),
        ))
        .returning(Visit::as_returning())
        .get_result(conn)
}

/// Filters of the visits' list.
#[derive(Debug, Default, Clone)]
pub struct VisitFilter {
    pub pole: Option<PoleId>,
    pub theme: Option<Theme>,
    /// Visits ending at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Visits starting before this time.
    pub to: Option<DateTime<Utc>>,
    pub status: Option<VisitStatus>,
    /// Keyset: visits after this (start, id).
    pub after: Option<(DateTime<Utc>, i64)>,
}

/// Visits by start time (then id), at most `limit`.
pub fn list(
    conn: &mut PgConnection,
    filter: &VisitFilter,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Visit>> {
    let mut query = visits::table.select(Visit::as_select()).into_boxed();
    if let Some(pole) = filter.pole {
        query = query.filter(visits::pole_id.eq(pole));
    }
    if let Some(theme) = filter.theme {
        query = query.filter(visits::theme.eq(theme));
    }
    if let Some(from) = filter.from {
        query = query.filter(visits::ends_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(visits::starts_at.lt(to));
    }
    match filter.status {
        Some(VisitStatus::Cancelled) => {
            query = query.filter(visits::status.eq(VisitStatus::Cancelled));
        }
        Some(VisitStatus::Planned) => {
            query = query
                .filter(visits::status.eq(VisitStatus::Planned))
                .filter(visits::ends_at.gt(now));
        }
        Some(VisitStatus::Held) => {
            query = query
                .filter(visits::status.eq(VisitStatus::Planned))
                .filter(visits::ends_at.le(now));
        }
        None => {}
    }
    if let Some((at, id)) = filter.after {
        query = query.filter(
            visits::starts_at
                .gt(at)
                .or(visits::starts_at.eq(at).and(visits::id.gt(id))),
        );
    }
    query
        .order((visits::starts_at.asc(), visits::id.asc()))
        .limit(limit)
        .load(conn)
}

/// Planned visits starting within `before` from now whose reminder has not gone yet.
pub fn due_reminders(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    before: chrono::Duration,
) -> QueryResult<Vec<Visit>> {
    visits::table
        .filter(visits::status.eq(VisitStatus::Planned))
        .filter(visits::reminder_sent_at.is_null())
        .filter(visits::starts_at.gt(now))
        .filter(visits::starts_at.le(now + before))
        .select(Visit::as_select())
        .order(visits::starts_at.asc())
        .limit(200)
        .load(conn)
}

/// Marks the reminder sent; `false` when another node did it first.
pub fn mark_reminded(
    conn: &mut PgConnection,
    id: VisitId,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let updated = diesel::update(
        visits::table
            .find(id)
            .filter(visits::reminder_sent_at.is_null()),
    )
    .set(visits::reminder_sent_at.eq(Some(now)))
    .execute(conn)?;
    Ok(updated == 1)
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = visit_registrations)]
pub struct Registration {
    pub id: RegistrationId,
    pub visit_id: VisitId,
    pub enterprise_id: EnterpriseId,
    pub account_id: AccountId,
    pub note: String,
    pub status: RegistrationStatus,
    pub attended: bool,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// Seats taken: confirmed registrations.
pub fn confirmed_count(conn: &mut PgConnection, visit: VisitId) -> QueryResult<i64> {
    visit_registrations::table
        .filter(visit_registrations::visit_id.eq(visit))
        .filter(visit_registrations::status.eq(RegistrationStatus::Confirmed))
        .count()
        .get_result(conn)
}

/// Seats taken of several visits, as (visit, confirmed).
pub fn confirmed_counts(
    conn: &mut PgConnection,
    ids: &[VisitId],
) -> QueryResult<Vec<(VisitId, i64)>> {
    visit_registrations::table
        .filter(visit_registrations::visit_id.eq_any(ids.to_vec()))
        .filter(visit_registrations::status.eq(RegistrationStatus::Confirmed))
        .group_by(visit_registrations::visit_id)
        .select((visit_registrations::visit_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Registers; `None` when this account already stands registered for this visit.
pub fn register(
    conn: &mut PgConnection,
    visit: VisitId,
    enterprise: EnterpriseId,
    account: AccountId,
    note: &str,
    status: RegistrationStatus,
    now: DateTime<Utc>,
) -> QueryResult<Option<Registration>> {
    let confirmed_at = (status == RegistrationStatus::Confirmed).then_some(now);
    diesel::insert_into(visit_registrations::table)
        .values((
            visit_registrations::visit_id.eq(visit),
            visit_registrations::enterprise_id.eq(enterprise),
            visit_registrations::account_id.eq(account),
            visit_registrations::note.eq(note),
            visit_registrations::status.eq(status),
            visit_registrations::created_at.eq(now),
            visit_registrations::confirmed_at.eq(confirmed_at),
        ))
        .on_conflict_do_nothing()
        .returning(Registration::as_returning())
        .get_result(conn)
        .optional()
}

pub fn find_registration(conn: &mut PgConnection, id: RegistrationId) -> QueryResult<Registration> {
    visit_registrations::table
        .find(id)
        .select(Registration::as_select())
        .first(conn)
}

/// Every registration of a visit: confirmed, then the waiting list in order, then the
/// cancelled ones.
pub fn registrations_of(conn: &mut PgConnection, visit: VisitId) -> QueryResult<Vec<Registration>> {
    let mut found: Vec<Registration> = visit_registrations::table
        .filter(visit_registrations::visit_id.eq(visit))
        .select(Registration::as_select())
        .order(visit_registrations::id.asc())
        .load(conn)?;
    found.sort_by_key(|r| match r.status {
        RegistrationStatus::Confirmed => 0,
        RegistrationStatus::Waitlisted => 1,
        RegistrationStatus::Cancelled => 2,
    });
    Ok(found)
}

/// The standing registrations of an account, by visit.
pub fn standing_of_account(
    conn: &mut PgConnection,
    account: AccountId,
    visits: &[VisitId],
) -> QueryResult<Vec<Registration>> {
    visit_registrations::table
        .filter(visit_registrations::account_id.eq(account))
        .filter(visit_registrations::visit_id.eq_any(visits.to_vec()))
        .filter(visit_registrations::status.ne(RegistrationStatus::Cancelled))
        .select(Registration::as_select())
        .load(conn)
}

pub fn cancel_registration(
    conn: &mut PgConnection,
    id: RegistrationId,
    now: DateTime<Utc>,
) -> QueryResult<Registration> {
    diesel::update(visit_registrations::table.find(id))
        .set((
            visit_registrations::status.eq(RegistrationStatus::Cancelled),
            visit_registrations::cancelled_at.eq(Some(now)),
        ))
        .returning(Registration::as_returning())
        .get_result(conn)
}

/// Confirms the first of the waiting list, if any (the caller holds the visit's lock).
pub fn promote_first_waitlisted(
    conn: &mut PgConnection,
    visit: VisitId,
    now: DateTime<Utc>,
) -> QueryResult<Option<Registration>> {
    let first: Option<RegistrationId> = visit_registrations::table
        .filter(visit_registrations::visit_id.eq(visit))
        .filter(visit_registrations::status.eq(RegistrationStatus::Waitlisted))
        .order(visit_registrations::id.asc())
        .select(visit_registrations::id)
        .first(conn)
        .optional()?;
    let Some(first) = first else { return Ok(None) };
    diesel::update(visit_registrations::table.find(first))
        .set((
            visit_registrations::status.eq(RegistrationStatus::Confirmed),
            visit_registrations::confirmed_at.eq(Some(now)),
        ))
        .returning(Registration::as_returning())
        .get_result(conn)
        .map(Some)
}

/// Records who came: these confirmed registrations of the visit attended, the other
/// confirmed ones did not (a tick given by mistake is taken back by leaving it out).
pub fn mark_attended(
    conn: &mut PgConnection,
    visit: VisitId,
    ids: &[RegistrationId],
) -> QueryResult<usize> {
    let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    diesel::update(
        visit_registrations::table
            .filter(visit_registrations::visit_id.eq(visit))
            .filter(visit_registrations::status.eq(RegistrationStatus::Confirmed)),
    )
    .set(
        visit_registrations::attended.eq(diesel::dsl::sql::<diesel::sql_types::Bool>("id = ANY(")
            .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(ids)
            .sql(")")),
    )
    .execute(conn)
}

/// Is the enterprise an approved member of this pôle?
pub fn is_approved_member(
    conn: &mut PgConnection,
    pole: PoleId,
    enterprise: EnterpriseId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::pole_id.eq(pole))
            .filter(memberships::enterprise_id.eq(enterprise))
            .filter(memberships::status.eq("approved")),
    ))
    .get_result(conn)
}

/// Is the enterprise an approved member of any pôle (a member of the network)?
pub fn is_network_member(conn: &mut PgConnection, enterprise: EnterpriseId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::enterprise_id.eq(enterprise))
            .filter(memberships::status.eq("approved")),
    ))
    .get_result(conn)
}

/// Participants who attended visits of `pole` held (ended by `now`) in [from, to), by the pôle their
/// enterprise belongs to (its first approved membership by pôle name), as
/// (pôle slug, pôle name, participants).
pub fn participants_by_origin(
    conn: &mut PgConnection,
    pole: PoleId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<Vec<(String, String, i64)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        slug: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        participants: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT origin.slug, origin.name, count(*) AS participants
         FROM visit_registrations r
         JOIN visits v ON v.id = r.visit_id
         JOIN LATERAL (
             SELECT p.slug, p.name FROM memberships m JOIN poles p ON p.id = m.pole_id
             WHERE m.enterprise_id = r.enterprise_id AND m.status = 'approved'
             ORDER BY (p.id = v.pole_id) DESC, p.name LIMIT 1
         ) origin ON true
         WHERE v.pole_id = $1 AND v.status = 'planned' AND v.ends_at >= $2 AND v.ends_at < $3
           AND v.ends_at <= $4 AND r.status = 'confirmed' AND r.attended
         GROUP BY origin.slug, origin.name
         ORDER BY participants DESC, origin.name",
    )
    .bind::<diesel::sql_types::BigInt, _>(pole.0)
    .bind::<diesel::sql_types::Timestamptz, _>(from)
    .bind::<diesel::sql_types::Timestamptz, _>(to)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.slug, r.name, r.participants))
        .collect())
}

/// Visits of `pole` held in [from, to) (planned, ended by `now`), with their confirmed seats and
/// attended registrations summed: (visits, confirmed, attended).
pub fn held_figures(
    conn: &mut PgConnection,
    pole: PoleId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<(i64, i64, i64)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        visits: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        confirmed: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        attended: i64,
    }
    let row: Row = diesel::sql_query(
        "SELECT count(DISTINCT v.id) AS visits,
                count(r.id) FILTER (WHERE r.status = 'confirmed') AS confirmed,
                count(r.id) FILTER (WHERE r.status = 'confirmed' AND r.attended) AS attended
         FROM visits v LEFT JOIN visit_registrations r ON r.visit_id = v.id
         WHERE v.pole_id = $1 AND v.status = 'planned' AND v.ends_at >= $2 AND v.ends_at < $3
           AND v.ends_at <= $4",
    )
    .bind::<diesel::sql_types::BigInt, _>(pole.0)
    .bind::<diesel::sql_types::Timestamptz, _>(from)
    .bind::<diesel::sql_types::Timestamptz, _>(to)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .get_result(conn)?;
    Ok((row.visits, row.confirmed, row.attended))
}

/// Names of the enterprises and the pôles a page of registrations shows.
pub fn enterprise_names(
    conn: &mut PgConnection,
    ids: &[EnterpriseId],
) -> QueryResult<Vec<(EnterpriseId, String)>> {
    enterprises::table
        .filter(enterprises::id.eq_any(ids.to_vec()))
        .select((enterprises::id, enterprises::name))
        .load(conn)
}

/// A pôle's slug and name.
pub fn pole_names(conn: &mut PgConnection, id: PoleId) -> QueryResult<(String, String)> {
    poles::table
        .find(id)
        .select((poles::slug, poles::name))
        .first(conn)
}
