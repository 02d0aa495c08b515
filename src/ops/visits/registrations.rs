//! Registrations for learning visits: a seat while some are left, then the waiting list
//! in order; a freed seat goes to the first waiting, who is told by email. Seats are
//! counted under the visit's row lock (`visit::find_for_update`), so concurrent
//! registrations never exceed the capacity. Organisers list the registrations, mark who
//! came and export them as CSV.

use diesel::{Connection, PgConnection};

use super::{calendar_of, names, organises, require_organiser};
use crate::auth::Caller;
use crate::domain::visit::{paris, Audience, RegistrationStatus, VisitStatus};
use crate::domain::Invalid;
use crate::email::visit_events::{self, VisitNotice};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::ids::{EnterpriseId, RegistrationId, VisitId};
use crate::models::visit::{self, Registration, Visit};
use crate::models::{account, enterprise};
use crate::ops::Env;
use crate::views::visits::{RegistrationList, RegistrationView};

/// A registration as the API shows it; the participant's name when `with_name`.
pub(super) fn view(
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
pub(super) fn position_of(conn: &mut PgConnection, r: &Registration) -> AppResult<Option<i64>> {
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

/// Confirms the waiting list in order while seats are free (the caller holds the lock).
pub(super) fn fill_free_seats(conn: &mut PgConnection, env: &Env, found: &Visit) -> AppResult<()> {
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
        view(conn, &registration, position, true)
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
        if r.account_id != caller.id() {
            let names = names(conn, &found)?;
            visit_events::unregistered(
                conn,
                &env.links,
                &VisitNotice {
                    visit: &found,
                    pole_name: &names.pole_name,
                    commune_name: &names.commune,
                },
                &cancelled,
            )?;
        }
        if r.status == RegistrationStatus::Confirmed {
            fill_free_seats(conn, env, &found)?;
        }
        view(conn, &cancelled, None, true)
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
        items.push(view(conn, r, position, true)?);
    }
    let count = |status| all.iter().filter(|r| r.status == status).count() as i64;
    Ok(RegistrationList {
        confirmed: count(RegistrationStatus::Confirmed),
        waitlisted: count(RegistrationStatus::Waitlisted),
        attended: all.iter().filter(|r| r.attended).count() as i64,
        items,
    })
}

/// Records who came (organisers), once the visit has started: the ids given are the
/// confirmed registrations present, every other confirmed one is absent (an empty list
/// says nobody came). 403 `not_visit_organiser`; 409 `visit_cancelled`,
/// `visit_not_started`; 422 `not_confirmed_registration` (naming each id at fault).
pub fn attendance(
    conn: &mut PgConnection,
    env: &Env,
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
        if found.starts_at > env.clock.now() {
            return Err(AppError::conflict("visit_not_started"));
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
