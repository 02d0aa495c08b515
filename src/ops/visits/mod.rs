//! Learning visits (*visites apprenantes*): a pôle's coordinators (or an admin) plan them,
//! members of the network (or of the pôle only) register until the seats are taken and
//! then wait in line, the first waiting is confirmed when a seat frees, organisers mark
//! who came and export the list, and write the record that goes to the library.
//!
//! Anyone may read the calendar (a visit is an invitation); who may register depends on
//! its audience. Registrations are seen by their organisers and by the person registered.
//! Seats are counted under the visit's row lock, so concurrent registrations never exceed
//! the capacity.

use chrono::{DateTime, Duration, Utc};
use diesel::{Connection, PgConnection};

pub mod checks;
pub mod registrations;

pub use checks::VisitInput;

use self::checks::fields;
use super::Env;
use crate::auth::Caller;
use crate::domain::calendar::{self, CalendarEvent};
use crate::domain::visit::{paris, Audience, RegistrationStatus, Theme, VisitStatus};
use crate::domain::Invalid;
use crate::email::visit_events::{self, VisitNotice};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::ids::{PoleId, VisitId};
use crate::models::visit::{self, Registration, Visit, VisitFilter};
use crate::models::{enterprise, pole, reference, resource};
use crate::views::visits::{VisitList, VisitView};

/// Does the caller organise visits of this pôle (its coordinators, admins)?
pub(super) fn organises(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    pole: PoleId,
) -> AppResult<bool> {
    Ok(match caller {
        Some(c) => c.is_admin() || pole::is_coordinator(conn, pole, c.id())?,
        None => false,
    })
}

pub(super) fn require_organiser(
    conn: &mut PgConnection,
    caller: &Caller,
    found: &Visit,
) -> AppResult<()> {
    if organises(conn, Some(caller), found.pole_id)? {
        Ok(())
    } else {
        Err(AppError::forbidden("not_visit_organiser"))
    }
}

/// The names a visit's emails and pages show.
pub(super) struct Names {
    pub(super) pole_slug: String,
    pub(super) pole_name: String,
    pub(super) commune: String,
    pub(super) host: Option<String>,
}

pub(super) fn names(conn: &mut PgConnection, found: &Visit) -> AppResult<Names> {
    let (pole_slug, pole_name) = visit::pole_names(conn, found.pole_id)?;
    let commune = reference::find_commune(conn, &found.commune_code)?
        .map(|c| format!("{} ({})", c.name, c.departement_code))
        .unwrap_or_else(|| found.commune_code.clone());
    let host = match found.host_enterprise_id {
        Some(id) => Some(enterprise::find(conn, id)?.name),
        None => None,
    };
    Ok(Names {
        pole_slug,
        pole_name,
        commune,
        host,
    })
}

fn event_of(env: &Env, found: &Visit, names: &Names) -> CalendarEvent {
    let location = match &names.host {
        Some(host) => format!("{host}, {}", names.commune),
        None => names.commune.clone(),
    };
    CalendarEvent {
        visit_id: found.id.0,
        title: found.title.clone(),
        description: found.description.clone(),
        location,
        starts_at: found.starts_at,
        ends_at: found.ends_at,
        url: env.links.page(&format!("/visits/{}", found.id)),
        cancelled: found.status == VisitStatus::Cancelled,
        sequence: found.sequence,
        updated_at: found.updated_at,
    }
}

fn host_of(env: &Env) -> String {
    url::Url::parse(&env.links.page("/"))
        .ok()
        .and_then(|u| u.host_str().map(String::from))
        .unwrap_or_else(|| "localhost".into())
}

pub(super) fn calendar_of(env: &Env, found: &Visit, names: &Names) -> String {
    calendar::render(&found.title, &host_of(env), &[event_of(env, found, names)])
}

/// The `.ics` of one visit (RFC 5545); anyone may read it. 404 for an unknown visit.
pub fn ics(conn: &mut PgConnection, env: &Env, id: VisitId) -> AppResult<String> {
    let found = visit::find(conn, id)?;
    let names = names(conn, &found)?;
    Ok(calendar_of(env, &found, &names))
}

/// The `.ics` feed of a pôle's visits (the coming ones and those of the last year,
/// cancelled included so calendars drop them). 404 for an unknown pôle.
pub fn pole_ics(conn: &mut PgConnection, env: &Env, slug: &str) -> AppResult<String> {
    let found_pole = pole::find_by_slug(conn, slug)?;
    let filter = VisitFilter {
        pole: Some(found_pole.id),
        from: Some(env.clock.now() - Duration::days(365)),
        ..VisitFilter::default()
    };
    let visits = visit::list(conn, &filter, env.clock.now(), 1000)?;
    let mut events = Vec::new();
    for found in &visits {
        let names = names(conn, found)?;
        events.push(event_of(env, found, &names));
    }
    let title = format!("Visites apprenantes — {}", found_pole.name);
    Ok(calendar::render(&title, &host_of(env), &events))
}

fn view(
    conn: &mut PgConnection,
    env: &Env,
    caller: Option<&Caller>,
    found: &Visit,
) -> AppResult<VisitView> {
    let now = env.clock.now();
    let names = names(conn, found)?;
    let taken = visit::confirmed_count(conn, found.id)?;
    let status = VisitStatus::at(found.status, found.ends_at, now);
    let mine = match caller {
        Some(c) => visit::standing_of_account(conn, c.id(), &[found.id])?
            .into_iter()
            .next(),
        None => None,
    };
    let my_registration = match mine {
        Some(r) => {
            let position = registrations::position_of(conn, &r)?;
            Some(registrations::view(conn, &r, position, true)?)
        }
        None => None,
    };
    Ok(VisitView {
        id: found.id,
        pole: names.pole_slug,
        pole_name: names.pole_name,
        title: found.title.clone(),
        description: found.description.clone(),
        theme: found.theme,
        transversal_issue: found.transversal_issue,
        host_enterprise_id: found.host_enterprise_id,
        host_enterprise_name: names.host,
        commune: found.commune_code.clone(),
        commune_name: names.commune,
        starts_at: paris(found.starts_at),
        ends_at: paris(found.ends_at),
        registration_deadline: paris(found.registration_deadline),
        capacity: found.capacity,
        seats_left: (found.capacity as i64 - taken).max(0),
        audience: found.audience,
        status,
        registration_open: status == VisitStatus::Planned && now <= found.registration_deadline,
        my_registration,
        organiser: organises(conn, caller, found.pole_id)?,
        report_resource_id: resource::report_of(conn, found.id)?.map(|r| r.id),
        ics_url: format!("/visits/{}.ics", found.id),
    })
}

/// Plans a visit of the pôle `pole_slug`. 403 `not_pole_coordinator` unless the caller
/// coordinates it (or is an admin); 422 `unknown_pole`, `required`, `length`, `range`
/// (capacity 1–500), `unknown_commune`, `starts_in_past`, `ends_before_start`,
/// `deadline_after_start`, `host_not_member`. Its audience is told by email.
pub fn create(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    pole_slug: &str,
    input: VisitInput,
) -> AppResult<VisitView> {
    let found_pole = crate::ops::poles::by_slug(conn, pole_slug)?
        .map_err(|invalid| AppError::invalid_field("pole", invalid))?;
    if !organises(conn, Some(caller), found_pole.id)? {
        return Err(AppError::forbidden("not_pole_coordinator"));
    }
    let fields = fields(conn, env, found_pole.id, None, input)?;
    let now = env.clock.now();
    let created = conn.transaction(|conn| {
        let created = visit::insert(conn, found_pole.id, &fields, caller.id(), now)?;
        let names = names(conn, &created)?;
        visit_events::visit_planned(
            conn,
            &env.links,
            &VisitNotice {
                visit: &created,
                pole_name: &names.pole_name,
                commune_name: &names.commune,
            },
            created.audience == Audience::Pole,
        )?;
        AppResult::Ok(created)
    })?;
    view(conn, env, Some(caller), &created)
}

/// Checks what [`create`] (or [`update`], with `editing`) would refuse, writing nothing:
/// for a form that also has fields it could not read, so it shows every error at once.
pub fn refusals(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    pole_slug: &str,
    editing: Option<VisitId>,
    input: VisitInput,
) -> AppResult<()> {
    let current = match editing {
        Some(id) => Some(visit::find(conn, id)?),
        None => None,
    };
    let pole_id = match &current {
        Some(found) => found.pole_id,
        None => {
            crate::ops::poles::by_slug(conn, pole_slug)?
                .map_err(|invalid| AppError::invalid_field("pole", invalid))?
                .id
        }
    };
    if !organises(conn, Some(caller), pole_id)? {
        return Err(AppError::forbidden("not_pole_coordinator"));
    }
    fields(conn, env, pole_id, current.as_ref(), input).map(|_| ())
}

/// A visit; anyone may read it. 404 when unknown.
pub fn show(
    conn: &mut PgConnection,
    env: &Env,
    caller: Option<&Caller>,
    id: VisitId,
) -> AppResult<VisitView> {
    let found = visit::find(conn, id)?;
    view(conn, env, caller, &found)
}

/// Query of the visits' list.
#[derive(Debug, Default, Clone)]
pub struct VisitQuery {
    pub pole: Option<String>,
    pub theme: Option<Theme>,
    /// Visits ending on or after it (see [`parse_when`]).
    pub from: Option<String>,
    /// Visits starting before it.
    pub to: Option<String>,
    pub status: Option<VisitStatus>,
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

/// An instant of a query: RFC 3339 (`2026-12-01T00:00:00+01:00`) or a day (`2026-12-01`,
/// from midnight Paris time). 422 `date_format`.
pub fn parse_when(
    errors: &mut FieldErrors,
    field: &str,
    text: Option<&str>,
) -> Option<DateTime<Utc>> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    let at = day
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(chrono_tz::Europe::Paris).earliest())
        .map(|t| t.with_timezone(&Utc));
    if at.is_none() {
        errors.add(field, Invalid::new("date_format"));
    }
    at
}

/// Visits by start time. 422 `unknown_pole`, `invalid_cursor`, `range` (limit),
/// `date_format`.
pub fn list(
    conn: &mut PgConnection,
    env: &Env,
    caller: Option<&Caller>,
    query: VisitQuery,
) -> AppResult<VisitList> {
    let mut errors = FieldErrors::new();
    let limit = crate::ops::page_limit(&mut errors, query.limit);
    let pole = crate::ops::pole_filter(conn, &mut errors, query.pole.as_deref())?;
    let after = crate::ops::page_cursor(&mut errors, query.cursor.as_deref());
    let from = parse_when(&mut errors, "from", query.from.as_deref());
    let to = parse_when(&mut errors, "to", query.to.as_deref());
    errors.finish()?;
    let filter = VisitFilter {
        pole,
        theme: query.theme,
        from,
        to,
        status: query.status,
        after,
    };
    let mut found = visit::list(conn, &filter, env.clock.now(), limit + 1)?;
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            found
                .last()
                .map(|v| super::encode_time_cursor(v.starts_at, v.id.0))
        })
        .flatten();
    let mut items = Vec::with_capacity(found.len());
    for v in &found {
        items.push(view(conn, env, caller, v)?);
    }
    Ok(VisitList { items, next_cursor })
}

/// Changes a visit (its organisers). A change of time or place is carried to calendars
/// (SEQUENCE + 1) and told to everyone registered, with the new `.ics`; a larger capacity
/// confirms the first of the waiting list. 403 `not_visit_organiser`; 409
/// `visit_cancelled`, `visit_held`; 422 as [`create`], and `capacity_below_confirmed`,
/// `registered_outside_pole` (keeping for the pôle a visit others registered for).
pub fn update(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: VisitId,
    input: VisitInput,
) -> AppResult<VisitView> {
    let now = env.clock.now();
    let updated = conn.transaction(|conn| {
        let current = visit::find_for_update(conn, id)?;
        require_organiser(conn, caller, &current)?;
        match VisitStatus::at(current.status, current.ends_at, now) {
            VisitStatus::Cancelled => return Err(AppError::conflict("visit_cancelled")),
            VisitStatus::Held => return Err(AppError::conflict("visit_held")),
            VisitStatus::Planned => {}
        }
        let fields = fields(conn, env, current.pole_id, Some(&current), input)?;
        let moved = fields.starts_at != current.starts_at
            || fields.ends_at != current.ends_at
            || fields.commune_code != current.commune_code
            || fields.host_enterprise_id != current.host_enterprise_id;
        let updated = visit::update(conn, id, &fields, moved, now)?;
        registrations::fill_free_seats(conn, env, &updated)?;
        if moved {
            let standing: Vec<Registration> = visit::registrations_of(conn, id)?
                .into_iter()
                .filter(|r| r.status != RegistrationStatus::Cancelled)
                .collect();
            let names = names(conn, &updated)?;
            let ics = calendar_of(env, &updated, &names);
            visit_events::changed(
                conn,
                &env.links,
                &VisitNotice {
                    visit: &updated,
                    pole_name: &names.pole_name,
                    commune_name: &names.commune,
                },
                &standing,
                &ics,
            )?;
        }
        Ok(updated)
    })?;
    view(conn, env, Some(caller), &updated)
}

/// Cancels a visit (its organisers): everyone registered is told, with the cancelled
/// `.ics`. 403 `not_visit_organiser`; 409 `visit_cancelled`, `visit_started`, `visit_held`.
pub fn cancel(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: VisitId,
) -> AppResult<VisitView> {
    let now = env.clock.now();
    let cancelled = conn.transaction(|conn| {
        let current = visit::find_for_update(conn, id)?;
        require_organiser(conn, caller, &current)?;
        match VisitStatus::at(current.status, current.ends_at, now) {
            VisitStatus::Cancelled => return Err(AppError::conflict("visit_cancelled")),
            VisitStatus::Held => return Err(AppError::conflict("visit_held")),
            VisitStatus::Planned if current.starts_at <= now => {
                return Err(AppError::conflict("visit_started"))
            }
            VisitStatus::Planned => {}
        }
        let cancelled = visit::cancel(conn, id, now)?;
        let standing: Vec<Registration> = visit::registrations_of(conn, id)?
            .into_iter()
            .filter(|r| r.status != RegistrationStatus::Cancelled)
            .collect();
        let names = names(conn, &cancelled)?;
        let ics = calendar_of(env, &cancelled, &names);
        visit_events::cancelled(
            conn,
            &env.links,
            &VisitNotice {
                visit: &cancelled,
                pole_name: &names.pole_name,
                commune_name: &names.commune,
            },
            &standing,
            &ics,
        )?;
        Ok(cancelled)
    })?;
    view(conn, env, Some(caller), &cancelled)
}

/// The worker's upkeep: planned visits starting within two days are reminded to their
/// confirmed participants, once (again if the visit moved). Returns how many visits.
pub fn send_reminders(
    conn: &mut PgConnection,
    links: &crate::links::Links,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let mut sent = 0;
    for due in visit::due_reminders(conn, now, Duration::days(2))? {
        conn.transaction(|conn| {
            if !visit::mark_reminded(conn, due.id, now)? {
                return AppResult::Ok(());
            }
            let confirmed: Vec<Registration> = visit::registrations_of(conn, due.id)?
                .into_iter()
                .filter(|r| r.status == RegistrationStatus::Confirmed)
                .collect();
            let names = names(conn, &due)?;
            visit_events::reminder(
                conn,
                links,
                &VisitNotice {
                    visit: &due,
                    pole_name: &names.pole_name,
                    commune_name: &names.commune,
                },
                &confirmed,
            )?;
            sent += 1;
            Ok(())
        })?;
    }
    Ok(sent)
}

/// The visit a report is written for, checked: its organiser, started, not cancelled.
/// 403 `not_visit_organiser`; 409 `visit_cancelled`, `visit_not_held_yet`.
pub(super) fn reportable(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: VisitId,
) -> AppResult<Visit> {
    let found = visit::find(conn, id)?;
    require_organiser(conn, caller, &found)?;
    if found.status == VisitStatus::Cancelled {
        return Err(AppError::conflict("visit_cancelled"));
    }
    if found.starts_at > env.clock.now() {
        return Err(AppError::conflict("visit_not_held_yet"));
    }
    Ok(found)
}
