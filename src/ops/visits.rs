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

use super::Env;
use crate::auth::Caller;
use crate::domain::calendar::{self, CalendarEvent};
use crate::domain::visit::{
    paris, Audience, RegistrationStatus, Schedule, Theme, TransversalIssue, VisitStatus, CAPACITY,
};
use crate::domain::Invalid;
use crate::email::visit_events::{self, VisitNotice};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::ids::{EnterpriseId, PoleId, RegistrationId, VisitId};
use crate::models::visit::{self, Registration, Visit, VisitFields, VisitFilter};
use crate::models::{account, enterprise, pole, reference, resource};
use crate::views::visits::{RegistrationList, RegistrationView, VisitList, VisitView};

/// What organisers send to plan or change a visit; `None` keeps the current value (or is
/// refused as `required` when planning).
#[derive(Debug, Default, Clone)]
pub struct VisitInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub theme: Option<Theme>,
    pub transversal_issue: Option<TransversalIssue>,
    pub host_enterprise_id: Option<EnterpriseId>,
    /// INSEE code of the commune.
    pub commune: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Seats, 1 to 500.
    pub capacity: Option<i64>,
    /// Defaults to the start.
    pub registration_deadline: Option<DateTime<Utc>>,
    /// Defaults to `network`.
    pub audience: Option<Audience>,
}

/// Does the caller organise visits of this pôle (its coordinators, admins)?
fn organises(conn: &mut PgConnection, caller: Option<&Caller>, pole: PoleId) -> AppResult<bool> {
    Ok(match caller {
        Some(c) => c.is_admin() || pole::is_coordinator(conn, pole, c.id())?,
        None => false,
    })
}

fn require_organiser(conn: &mut PgConnection, caller: &Caller, found: &Visit) -> AppResult<()> {
    if organises(conn, Some(caller), found.pole_id)? {
        Ok(())
    } else {
        Err(AppError::forbidden("not_visit_organiser"))
    }
}

fn required<T>(errors: &mut FieldErrors, field: &str, value: Option<T>) -> Option<T> {
    if value.is_none() {
        errors.add(field, Invalid::new("required"));
    }
    value
}

/// Checks the input against the visit it changes (`None` when planning one) and returns
/// the fields to store, or every field at fault at once.
fn fields(
    conn: &mut PgConnection,
    env: &Env,
    pole_id: PoleId,
    current: Option<&Visit>,
    input: VisitInput,
) -> AppResult<VisitFields> {
    let mut errors = FieldErrors::new();
    let title = input
        .title
        .map(|t| t.trim().to_string())
        .or_else(|| current.map(|c| c.title.clone()));
    let title = required(&mut errors, "title", title);
    if let Some(t) = &title {
        if !(3..=200).contains(&t.chars().count()) {
            errors.add(
                "title",
                Invalid::new("length").with("min", 3).with("max", 200),
            );
        }
    }
    let description = input
        .description
        .map(|d| d.trim().to_string())
        .or_else(|| current.map(|c| c.description.clone()))
        .unwrap_or_default();
    if description.chars().count() > 5000 {
        errors.add(
            "description",
            Invalid::new("length").with("min", 0).with("max", 5000),
        );
    }
    let theme = required(
        &mut errors,
        "theme",
        input.theme.or(current.map(|c| c.theme)),
    );
    let transversal_issue = required(
        &mut errors,
        "transversal_issue",
        input
            .transversal_issue
            .or(current.map(|c| c.transversal_issue)),
    );
    let commune = match input.commune {
        Some(code) => errors
            .check("commune", super::reference::locate(conn, &code)?)
            .map(|c| c.code.as_str().to_string()),
        None => required(
            &mut errors,
            "commune",
            current.map(|c| c.commune_code.clone()),
        ),
    };
    let starts_at = required(
        &mut errors,
        "starts_at",
        input.starts_at.or(current.map(|c| c.starts_at)),
    );
    let ends_at = required(
        &mut errors,
        "ends_at",
        input.ends_at.or(current.map(|c| c.ends_at)),
    );
    let capacity = required(
        &mut errors,
        "capacity",
        input.capacity.or(current.map(|c| c.capacity as i64)),
    );
    let capacity = capacity.and_then(|c| {
        let ok = i32::try_from(c).ok().filter(|c| CAPACITY.contains(c));
        if ok.is_none() {
            errors.add(
                "capacity",
                Invalid::new("range")
                    .with("min", *CAPACITY.start())
                    .with("max", *CAPACITY.end()),
            );
        }
        ok
    });
    if let (Some(capacity), Some(current)) = (capacity, current) {
        let taken = visit::confirmed_count(conn, current.id)?;
        if (capacity as i64) < taken {
            errors.add(
                "capacity",
                Invalid::new("capacity_below_confirmed").with("confirmed", taken),
            );
        }
    }
    let registration_deadline = input
        .registration_deadline
        .or(current.map(|c| c.registration_deadline))
        .or(starts_at);
    if let (Some(starts_at), Some(ends_at), Some(registration_deadline)) =
        (starts_at, ends_at, registration_deadline)
    {
        let schedule = Schedule {
            starts_at,
            ends_at,
            registration_deadline,
        };
        let moved = current.is_none_or(|c| c.starts_at != starts_at);
        for (field, invalid) in schedule.refusals(env.clock.now(), moved) {
            errors.add(field, invalid);
        }
    }
    let host_enterprise_id = input
        .host_enterprise_id
        .or(current.and_then(|c| c.host_enterprise_id));
    if let Some(host) = host_enterprise_id {
        if !visit::is_approved_member(conn, pole_id, host)? {
            errors.add("host_enterprise_id", Invalid::new("host_not_member"));
        }
    }
    let audience = input
        .audience
        .or(current.map(|c| c.audience))
        .unwrap_or(Audience::Network);
    errors.finish()?;
    match (
        title,
        theme,
        transversal_issue,
        commune,
        starts_at,
        ends_at,
        capacity,
        registration_deadline,
    ) {
        (
            Some(title),
            Some(theme),
            Some(transversal_issue),
            Some(commune_code),
            Some(starts_at),
            Some(ends_at),
            Some(capacity),
            Some(registration_deadline),
        ) => Ok(VisitFields {
            title,
            description,
            theme,
            transversal_issue,
            host_enterprise_id,
            commune_code,
            starts_at,
            ends_at,
            capacity,
            registration_deadline,
            audience,
        }),
        _ => Err(AppError::invalid_field("title", Invalid::new("required"))),
    }
}

/// The names a visit's emails and pages show.
struct Names {
    pole_slug: String,
    pole_name: String,
    commune: String,
    host: Option<String>,
}

fn names(conn: &mut PgConnection, found: &Visit) -> AppResult<Names> {
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

fn calendar_of(env: &Env, found: &Visit, names: &Names) -> String {
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

fn registration_view(
    conn: &mut PgConnection,
    r: &Registration,
    position: Option<i64>,
    with_name: bool,
) -> AppResult<RegistrationView> {
    let enterprise_name = enterprise::find(conn, r.enterprise_id)?.name;
    let participant_name = match with_name {
        true => Some(account::find(conn, r.account_id)?.display_name),
        false => None,
    };
    Ok(RegistrationView {
        id: r.id,
        visit_id: r.visit_id,
        enterprise_id: r.enterprise_id,
        enterprise_name,
        participant_name,
        note: r.note.clone(),
        status: r.status,
        waitlist_position: position,
        attended: r.attended,
        created_at: paris(r.created_at),
    })
}

/// Place in the waiting list of a waitlisted registration (1 = next).
fn position_of(conn: &mut PgConnection, r: &Registration) -> AppResult<Option<i64>> {
    if r.status != RegistrationStatus::Waitlisted {
        return Ok(None);
    }
    let all = visit::registrations_of(conn, r.visit_id)?;
    Ok(all
        .iter()
        .filter(|x| x.status == RegistrationStatus::Waitlisted)
        .position(|x| x.id == r.id)
        .map(|p| p as i64 + 1))
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
            let position = position_of(conn, &r)?;
            Some(registration_view(conn, &r, position, true)?)
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
    let found_pole = match pole::find_by_slug(conn, pole_slug) {
        Ok(p) => p,
        Err(diesel::result::Error::NotFound) => {
            return Err(AppError::invalid_field(
                "pole",
                Invalid::new("unknown_pole"),
            ))
        }
        Err(e) => return Err(e.into()),
    };
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
        None => match pole::find_by_slug(conn, pole_slug) {
            Ok(p) => p.id,
            Err(diesel::result::Error::NotFound) => {
                return Err(AppError::invalid_field(
                    "pole",
                    Invalid::new("unknown_pole"),
                ))
            }
            Err(e) => return Err(e.into()),
        },
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
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        errors.add(
            "limit",
            Invalid::new("range").with("min", 1).with("max", 100),
        );
    }
    let pole = match query.pole.as_deref().filter(|p| !p.is_empty()) {
        Some(slug) => match pole::find_by_slug(conn, slug) {
            Ok(p) => Some(p.id),
            Err(diesel::result::Error::NotFound) => {
                errors.add("pole", Invalid::new("unknown_pole"));
                None
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => {
            let decoded = super::decode_time_cursor(c);
            if decoded.is_none() {
                errors.add("cursor", Invalid::new("invalid_cursor"));
            }
            decoded
        }
        None => None,
    };
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
/// (SEQUENCE + 1); a larger capacity confirms the first of the waiting list. 403
/// `not_visit_organiser`; 409 `visit_cancelled`; 422 as [`create`], and
/// `capacity_below_confirmed`.
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
        if current.status == VisitStatus::Cancelled {
            return Err(AppError::conflict("visit_cancelled"));
        }
        let fields = fields(conn, env, current.pole_id, Some(&current), input)?;
        let moved = fields.starts_at != current.starts_at
            || fields.ends_at != current.ends_at
            || fields.commune_code != current.commune_code
            || fields.host_enterprise_id != current.host_enterprise_id;
        let updated = visit::update(conn, id, &fields, moved, now)?;
        fill_free_seats(conn, env, &updated)?;
        Ok(updated)
    })?;
    view(conn, env, Some(caller), &updated)
}

/// Confirms the waiting list in order while seats are free (the caller holds the lock).
fn fill_free_seats(conn: &mut PgConnection, env: &Env, found: &Visit) -> AppResult<()> {
    let now = env.clock.now();
    if found.status != VisitStatus::Planned || found.starts_at <= now {
        return Ok(());
    }
    let mut taken = visit::confirmed_count(conn, found.id)?;
    let names = names(conn, found)?;
    let ics = calendar_of(env, found, &names);
    while taken < found.capacity as i64 {
        let Some(promoted) = visit::promote_first_waitlisted(conn, found.id, now)? else {
            break;
        };
        visit_events::promoted(
            conn,
            &env.links,
            &VisitNotice {
                visit: found,
                pole_name: &names.pole_name,
                commune_name: &names.commune,
            },
            &promoted,
            &ics,
        )?;
        taken += 1;
    }
    Ok(())
}

/// Cancels a visit (its organisers): everyone registered is told, with the cancelled
/// `.ics`. 403 `not_visit_organiser`; 409 `visit_cancelled`, `visit_held`.
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

/// Registers the caller for an enterprise it belongs to: `confirmed` while seats are
/// left, then `waitlisted`; emailed either way (a confirmation carries the `.ics`). 403
/// `not_your_enterprise`, `not_network_member` (the enterprise is approved in no pôle),
/// `audience_pole_only` (a `pole` visit, the enterprise not approved in its pôle); 409
/// `visit_cancelled`, `visit_held`, `registration_closed` (after the deadline),
/// `already_registered` (this account, once per visit); 422 `length` (note ≤ 1,000).
pub fn register(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: VisitId,
    enterprise_id: EnterpriseId,
    note: &str,
) -> AppResult<RegistrationView> {
    let note = note.trim();
    if note.chars().count() > 1000 {
        return Err(AppError::invalid_field(
            "note",
            Invalid::new("length").with("min", 0).with("max", 1000),
        ));
    }
    let now = env.clock.now();
    conn.transaction(|conn| {
        let found = visit::find_for_update(conn, id)?;
        match VisitStatus::at(found.status, found.ends_at, now) {
            VisitStatus::Cancelled => return Err(AppError::conflict("visit_cancelled")),
            VisitStatus::Held => return Err(AppError::conflict("visit_held")),
            VisitStatus::Planned => {}
        }
        if !enterprise::is_member_account(conn, enterprise_id, caller.id())? {
            return Err(AppError::forbidden("not_your_enterprise"));
        }
        if !visit::is_network_member(conn, enterprise_id)? {
            return Err(AppError::forbidden("not_network_member"));
        }
        if found.audience == Audience::Pole
            && !visit::is_approved_member(conn, found.pole_id, enterprise_id)?
        {
            return Err(AppError::forbidden("audience_pole_only"));
        }
        if now > found.registration_deadline {
            return Err(AppError::conflict("registration_closed"));
        }
        let taken = visit::confirmed_count(conn, id)?;
        let status = if taken < found.capacity as i64 {
            RegistrationStatus::Confirmed
        } else {
            RegistrationStatus::Waitlisted
        };
        let registration =
            visit::register(conn, id, enterprise_id, caller.id(), note, status, now)?
                .ok_or_else(|| AppError::conflict("already_registered"))?;
        let position = position_of(conn, &registration)?;
        let names = names(conn, &found)?;
        let ics = calendar_of(env, &found, &names);
        visit_events::registered(
            conn,
            &env.links,
            &VisitNotice {
                visit: &found,
                pole_name: &names.pole_name,
                commune_name: &names.commune,
            },
            &registration,
            &ics,
            position,
        )?;
        registration_view(conn, &registration, position, true)
    })
}

/// May the caller act on this registration: its own account, an account of its
/// enterprise, or an organiser of the visit?
fn may_handle(
    conn: &mut PgConnection,
    caller: &Caller,
    found: &Visit,
    r: &Registration,
) -> AppResult<bool> {
    Ok(r.account_id == caller.id()
        || enterprise::is_member_account(conn, r.enterprise_id, caller.id())?
        || organises(conn, Some(caller), found.pole_id)?)
}

/// Cancels a registration (its account, its enterprise's accounts, the organisers); a
/// confirmed seat freed before the visit goes to the first of the waiting list, who is
/// told by email. 404 for anyone else and for a registration of another visit; 409
/// `registration_cancelled` (already).
pub fn unregister(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: VisitId,
    registration: RegistrationId,
) -> AppResult<RegistrationView> {
    let now = env.clock.now();
    conn.transaction(|conn| {
        let found = visit::find_for_update(conn, id)?;
        let r = visit::find_registration(conn, registration)?;
        if r.visit_id != id || !may_handle(conn, caller, &found, &r)? {
            return Err(AppError::NotFound);
        }
        if r.status == RegistrationStatus::Cancelled {
            return Err(AppError::conflict("registration_cancelled"));
        }
        let cancelled = visit::cancel_registration(conn, registration, now)?;
        if r.status == RegistrationStatus::Confirmed {
            fill_free_seats(conn, env, &found)?;
        }
        registration_view(conn, &cancelled, None, true)
    })
}

/// Every registration of a visit, for its organisers. 403 `not_visit_organiser`.
pub fn registrations(
    conn: &mut PgConnection,
    caller: &Caller,
    id: VisitId,
) -> AppResult<RegistrationList> {
    let found = visit::find(conn, id)?;
    require_organiser(conn, caller, &found)?;
    let all = visit::registrations_of(conn, id)?;
    let mut items = Vec::with_capacity(all.len());
    let mut waiting = 0;
    for r in &all {
        let position = match r.status {
            RegistrationStatus::Waitlisted => {
                waiting += 1;
                Some(waiting)
            }
            _ => None,
        };
        items.push(registration_view(conn, r, position, true)?);
    }
    let count = |status| all.iter().filter(|r| r.status == status).count() as i64;
    Ok(RegistrationList {
        confirmed: count(RegistrationStatus::Confirmed),
        waitlisted: count(RegistrationStatus::Waitlisted),
        attended: all.iter().filter(|r| r.attended).count() as i64,
        items,
    })
}

/// Marks who came (organisers): each id must be a confirmed registration of this visit.
/// 403 `not_visit_organiser`; 409 `visit_cancelled`; 422 `required` (no id),
/// `not_confirmed_registration` (naming the first id at fault).
pub fn attendance(
    conn: &mut PgConnection,
    caller: &Caller,
    id: VisitId,
    ids: &[RegistrationId],
) -> AppResult<RegistrationList> {
    conn.transaction(|conn| {
        let found = visit::find_for_update(conn, id)?;
        require_organiser(conn, caller, &found)?;
        if found.status == VisitStatus::Cancelled {
            return Err(AppError::conflict("visit_cancelled"));
        }
        if ids.is_empty() {
            return Err(AppError::invalid_field(
                "registration_ids",
                Invalid::new("required"),
            ));
        }
        let all = visit::registrations_of(conn, id)?;
        let mut errors = FieldErrors::new();
        for (index, wanted) in ids.iter().enumerate() {
            let confirmed = all
                .iter()
                .any(|r| r.id == *wanted && r.status == RegistrationStatus::Confirmed);
            if !confirmed {
                errors.add(
                    &format!("registration_ids[{index}]"),
                    Invalid::new("not_confirmed_registration"),
                );
            }
        }
        errors.finish()?;
        visit::mark_attended(conn, id, ids)?;
        Ok(())
    })?;
    registrations(conn, caller, id)
}

/// The registrations as CSV (UTF-8, comma-separated, header row; Paris time), for the
/// organisers: registration, enterprise, SIRET, participant, email, status, place in the
/// waiting list, attended, note, registered at. 403 `not_visit_organiser`.
pub fn registrations_csv(
    conn: &mut PgConnection,
    caller: &Caller,
    id: VisitId,
) -> AppResult<String> {
    let list = registrations(conn, caller, id)?;
    let all = visit::registrations_of(conn, id)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "registration_id",
        "enterprise",
        "siret",
        "participant",
        "email",
        "status",
        "waitlist_position",
        "attended",
        "note",
        "registered_at",
    ];
    let csv_error = |e: csv::Error| AppError::Internal(anyhow::anyhow!(e));
    out.write_record(header).map_err(csv_error)?;
    for item in &list.items {
        let Some(r) = all.iter().find(|r| r.id == item.id) else {
            continue;
        };
        let person = account::find(conn, r.account_id)?;
        let siret = enterprise::find(conn, r.enterprise_id)?.siret;
        out.write_record([
            item.id.to_string(),
            crate::format::csv_text_cell(&item.enterprise_name),
            siret,
            crate::format::csv_text_cell(&person.display_name),
            person.email,
            item.status.as_str().to_string(),
            item.waitlist_position
                .map(|p| p.to_string())
                .unwrap_or_default(),
            item.attended.to_string(),
            crate::format::csv_text_cell(&item.note),
            item.created_at.format("%Y-%m-%d %H:%M").to_string(),
        ])
        .map_err(csv_error)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
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
