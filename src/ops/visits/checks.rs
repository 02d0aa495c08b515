//! What organisers send to plan or change a visit, and its checks: every field at fault
//! at once (required fields, lengths, 1–500 seats, a known commune, the end after the
//! start, the deadline no later than the start, a start in the future for a new visit, a
//! host that is an approved member of the pôle, no fewer seats than confirmed).

use chrono::{DateTime, Utc};
use diesel::PgConnection;

use crate::domain::visit::{Audience, Schedule, Theme, TransversalIssue, CAPACITY};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::ids::{EnterpriseId, PoleId};
use crate::models::visit::{self, Visit, VisitFields};
use crate::ops::Env;

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

fn required<T>(errors: &mut FieldErrors, field: &str, value: Option<T>) -> Option<T> {
    if value.is_none() {
        errors.add(field, Invalid::new("required"));
    }
    value
}

/// Checks the input against the visit it changes (`None` when planning one) and returns
/// the fields to store, or every field at fault at once.
pub(super) fn fields(
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
            .check("commune", crate::ops::reference::locate(conn, &code)?)
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
    if let Some(current) = current.filter(|c| c.audience == Audience::Network) {
        if audience == Audience::Pole && registered_outside(conn, current)? {
            errors.add("audience", Invalid::new("registered_outside_pole"));
        }
    }
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

/// Does a standing registration come from an enterprise not approved in the visit's pôle?
fn registered_outside(conn: &mut PgConnection, found: &Visit) -> AppResult<bool> {
    for r in visit::registrations_of(conn, found.id)? {
        if r.status != crate::domain::visit::RegistrationStatus::Cancelled
            && !visit::is_approved_member(conn, found.pole_id, r.enterprise_id)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}
