//! Saved searches: an account describes what it looks for, and each listing that opens and
//! fits is emailed to it (at once or in the daily digest), once per listing.

use diesel::PgConnection;

use crate::auth::Caller;
use crate::domain::account::AlertFrequency;
use crate::domain::listing::{Category, Kind, MAX_RADIUS_KM};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors, Refusal};
use crate::models::alert::{self, Alert, NewAlert, MAX_ALERTS_PER_ACCOUNT};
use crate::models::ids::AlertId;
use crate::models::reference;
use crate::views::alerts::{AlertCommune, AlertList, AlertView};

/// Around a commune given without a radius.
const DEFAULT_RADIUS_KM: i32 = 30;

fn views(conn: &mut PgConnection, found: Vec<Alert>) -> AppResult<Vec<AlertView>> {
    let nonempty = |s: String| (!s.is_empty()).then_some(s);
    let mut out = Vec::with_capacity(found.len());
    for one in found {
        let commune = match one.commune_code {
            Some(code) => {
                let name = reference::find_commune(conn, &code)?
                    .map(|c| c.name)
                    .unwrap_or_default();
                Some(AlertCommune { code, name })
            }
            None => None,
        };
        out.push(AlertView {
            id: one.id,
            kind: Kind::parse(&one.kind),
            category: Category::parse(&one.category),
            naf: nonempty(one.naf_prefix),
            commune,
            radius_km: one.radius_km,
            keywords: nonempty(one.keywords),
            frequency: one.frequency,
            created_at: one.created_at,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Default)]
pub struct NewAlertCommand {
    pub kind: Option<Kind>,
    pub category: Option<Category>,
    /// A NAF code at any level.
    pub naf: Option<String>,
    /// INSEE code of the centre of the area.
    pub commune: Option<String>,
    pub radius_km: Option<i32>,
    pub keywords: Option<String>,
    pub frequency: Option<AlertFrequency>,
}

/// Saves an alert: at least one criterion; a radius needs its commune; at most
/// [`MAX_ALERTS_PER_ACCOUNT`] per account (409 `too_many_alerts`).
pub fn create(
    conn: &mut PgConnection,
    caller: &Caller,
    new: NewAlertCommand,
) -> AppResult<AlertView> {
    let mut errors = FieldErrors::new();
    let naf = match new.naf.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(code) => errors.check("naf", super::reference::check_naf(conn, code, false)?),
        None => None,
    };
    let commune_text = new
        .commune
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let place = match commune_text {
        Some(code) => match errors.check("commune", super::reference::locate(conn, code)?) {
            Some(found) => match found.point {
                Some((lat, lon)) => Some((found.code.as_str().to_string(), lat, lon)),
                None => {
                    errors.add("commune", Invalid::new("no_coordinates"));
                    None
                }
            },
            None => None,
        },
        None => None,
    };
    let radius = match new.radius_km {
        Some(km) if !(1..=MAX_RADIUS_KM).contains(&km) => {
            errors.add(
                "radius_km",
                Invalid::new("radius_range").with("max", MAX_RADIUS_KM),
            );
            None
        }
        Some(_) if commune_text.is_none() => {
            errors.add("radius_km", Invalid::new("commune_required"));
            None
        }
        Some(km) => Some(km),
        None => Some(DEFAULT_RADIUS_KM),
    };
    let keywords = new
        .keywords
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    if keywords.chars().count() > 200 {
        errors.add("keywords", Invalid::new("too_long").with("max", 200));
    }
    if new.kind.is_none()
        && new.category.is_none()
        && new.naf.as_deref().is_none_or(|n| n.trim().is_empty())
        && commune_text.is_none()
        && keywords.is_empty()
    {
        errors.add("criteria", Invalid::new("no_criteria"));
    }
    errors.finish()?;
    if alert::count_of_account(conn, caller.id())? >= MAX_ALERTS_PER_ACCOUNT {
        return Err(AppError::Conflict(
            Refusal::new("too_many_alerts").with("max", MAX_ALERTS_PER_ACCOUNT),
        ));
    }
    let record = NewAlert {
        account_id: caller.id(),
        kind: new.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        category: new
            .category
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        naf_prefix: naf.map(|n| n.as_str().to_string()).unwrap_or_default(),
        place: place
            .zip(radius)
            .map(|((code, lat, lon), km)| (code, lat, lon, km)),
        keywords,
        frequency: new.frequency.unwrap_or(AlertFrequency::Instant),
    };
    let inserted = alert::insert(conn, &record)?;
    Ok(views(conn, vec![inserted])?.remove(0))
}

/// The caller's alerts.
pub fn list(conn: &mut PgConnection, caller: &Caller) -> AppResult<AlertList> {
    let found = alert::of_account(conn, caller.id())?;
    Ok(AlertList {
        items: views(conn, found)?,
    })
}

/// Deletes one of the caller's alerts; someone else's is not found.
pub fn delete(conn: &mut PgConnection, caller: &Caller, id: AlertId) -> AppResult<()> {
    if alert::delete(conn, caller.id(), id)? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
