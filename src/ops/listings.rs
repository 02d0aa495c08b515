//! Listings: post, edit, publish, close, show and search offers and needs; who may see a
//! listing, and how much of a confidential takeover a stranger sees.

use chrono::NaiveDate;
use diesel::{Connection, PgConnection};
use rust_decimal::Decimal;

pub use super::access::{disclosure_for, managed_by};
use super::matches::match_views;
use super::Env;
use crate::auth::Caller;
use crate::domain::decimal::{ExactDecimal, Quantity, UnitPrice};
use crate::domain::listing::{
    check_description, check_title, parse_details, Category, CloseReason, Kind, Period, Status,
    Visibility, MAX_RADIUS_KM,
};
use crate::domain::naf::NafCode;
use crate::domain::territory::LocatedCommune;
use crate::domain::units::Unit;
use crate::domain::Invalid;
use crate::email::events;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::words;
use crate::models::ids::{EnterpriseId, ListingId};
use crate::models::listing::{self, Listing, ListingChanges, NewListing, Relation};
use crate::models::{enterprise, matching, reference as reference_model};
use crate::views::listings::{Disclosure, ListingView};
use crate::views::matches::ListingWithMatches;

fn enterprise_name(conn: &mut PgConnection, id: EnterpriseId) -> AppResult<Option<String>> {
    Ok(Some(enterprise::find(conn, id)?.name))
}

fn require_manager(
    conn: &mut PgConnection,
    caller: &Caller,
    enterprise: EnterpriseId,
) -> AppResult<()> {
    match listing::relation(conn, Some(caller.id()), enterprise)? {
        Relation::Manager => Ok(()),
        Relation::Stranger => Err(AppError::forbidden("not_listing_manager")),
    }
}

/// Every editable field of a listing, as given (create) or as it would become (edit).
#[derive(Debug, Clone)]
pub struct ListingFields {
    pub title: String,
    pub description: String,
    pub naf: String,
    /// INSEE code of the commune, kept exactly.
    pub commune: String,
    pub radius_km: Option<i32>,
    pub national: bool,
    pub quantity: Option<Decimal>,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub details: serde_json::Value,
    pub visibility: Visibility,
    /// The quantity is per this period (a recurring flow).
    pub period: Option<Period>,
}

pub struct NewListingCommand {
    pub enterprise_id: EnterpriseId,
    pub kind: Kind,
    pub category: Category,
    pub fields: ListingFields,
    /// Open at once (and compute its matches before answering).
    pub publish: bool,
}

/// A listing's fields after their checks, ready for the database.
struct CheckedListing {
    title: String,
    description: String,
    naf: NafCode,
    commune: LocatedCommune,
    radius_km: Option<i32>,
    national: bool,
    quantity: Option<Quantity>,
    unit: Option<Unit>,
    unit_price: Option<UnitPrice>,
    available_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    details: serde_json::Value,
    visibility: Visibility,
    period: Option<Period>,
}

/// The terms of an offer, a need, a proposal or an exchange: a quantity (more than zero)
/// and a unit price (zero or more), each with at most 6 decimals, and the unit they are
/// counted in, required as soon as either is given.
pub fn check_terms(
    errors: &mut FieldErrors,
    quantity: Option<Decimal>,
    unit: Option<Unit>,
    unit_price: Option<Decimal>,
) -> (Option<Quantity>, Option<UnitPrice>) {
    let quantity_checked = quantity.and_then(|q| errors.check("quantity", Quantity::new(q)));
    let price_checked = unit_price.and_then(|p| errors.check("unit_price", UnitPrice::new(p)));
    if unit.is_none() && (quantity.is_some() || unit_price.is_some()) {
        errors.add("unit", Invalid::new("required"));
    }
    (quantity_checked, price_checked)
}

/// Checks every field, naming each one at fault.
fn check_listing(
    conn: &mut PgConnection,
    category: Category,
    input: ListingFields,
    mut errors: FieldErrors,
) -> AppResult<CheckedListing> {
    let title = errors.check("title", check_title(&input.title));
    let description = errors.check("description", check_description(&input.description));
    let naf = errors.check("naf", super::reference::check_naf(conn, &input.naf, true)?);
    let commune = errors.check("commune", super::reference::locate(conn, &input.commune)?);
    let radius_km = if input.national {
        None
    } else {
        match input.radius_km {
            Some(km) if (1..=MAX_RADIUS_KM).contains(&km) => Some(km),
            Some(_) => {
                errors.add(
                    "radius_km",
                    Invalid::new("radius_range").with("max", MAX_RADIUS_KM),
                );
                None
            }
            None => {
                errors.add("radius_km", Invalid::new("required"));
                None
            }
        }
    };
    let (quantity, unit_price) =
        check_terms(&mut errors, input.quantity, input.unit, input.unit_price);
    if let (Some(from), Some(until)) = (input.available_from, input.valid_until) {
        if from > until {
            errors.add("valid_until", Invalid::new("dates_order"));
        }
    }
    let details = match parse_details(category, &input.details) {
        Ok(details) => Some(details),
        Err(invalid) => {
            let field = match invalid.code {
                "material_required" | "material_for_matter_only" => "details.material",
                "ewc_format" => "details.ewc_code",
                _ => "details",
            };
            errors.add(field, invalid);
            None
        }
    };
    if let Some(code) = details
        .as_ref()
        .and_then(|d| d.get("ewc_code"))
        .and_then(|c| c.as_str())
    {
        if reference_model::find_ewc_entry(conn, code)?.is_none() {
            errors.add(
                "details.ewc_code",
                Invalid::new("unknown_ewc").with("code", code),
            );
        }
    }
    errors.finish()?;
    let (Some(title), Some(description), Some(naf), Some(commune), Some(details)) =
        (title, description, naf, commune, details)
    else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "checked fields missing"
        )));
    };
    Ok(CheckedListing {
        title,
        description,
        naf,
        commune,
        radius_km,
        national: input.national,
        quantity,
        unit: input.unit,
        unit_price,
        available_from: input.available_from,
        valid_until: input.valid_until,
        details,
        visibility: input.visibility,
        period: input.period,
    })
}

/// Opening needs a listing that has not ended (a Paris date).
fn check_can_open(found: &Listing, today: NaiveDate) -> AppResult<()> {
    if found.valid_until.is_some_and(|until| until < today) {
        return Err(AppError::invalid_field(
            "valid_until",
            Invalid::new("in_the_past"),
        ));
    }
    Ok(())
}

/// Computes the listing's matches, tells both sides of each new one, queues it for the
/// alerts, and returns its view with its matches.
fn view_with_matches(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    found: Listing,
) -> AppResult<ListingWithMatches> {
    super::teasers::refresh_teaser(conn, &found)?;
    let fresh = matching::refresh(conn, &found)?;
    events::new_matches(conn, &env.links, &fresh)?;
    events::listing_opened(conn, &found)?;
    let rows = matching::of_listing(conn, found.id)?;
    let name = enterprise_name(conn, found.enterprise_id)?;
    let managed = vec![found.enterprise_id];
    let found = listing::find(conn, found.id)?;
    Ok(ListingWithMatches {
        listing: ListingView::new(found, name, Disclosure::Full),
        matches: Some(match_views(conn, rows, &managed, words(caller.locale()))?),
    })
}

/// Posts an offer or a need; with `publish`, it opens at once and its matches are computed
/// before the answer. Unknown and foreign enterprises get the same 403, so that whether an
/// enterprise exists is not for strangers to learn.
pub fn create(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    new: NewListingCommand,
) -> AppResult<ListingWithMatches> {
    let today = env.clock.today();
    conn.transaction(|conn| {
        require_manager(conn, caller, new.enterprise_id)?;
        let checked = check_listing(conn, new.category, new.fields, FieldErrors::new())?;
        let created = listing::insert(
            conn,
            &NewListing {
                enterprise_id: new.enterprise_id,
                kind: new.kind,
                category: new.category,
                title: checked.title,
                description: checked.description,
                naf_division: checked.naf.as_str()[..2].to_string(),
                naf_code: checked.naf.as_str().into(),
                departement_code: checked.commune.departement.clone(),
                region_code: checked.commune.region.clone(),
                lat: checked.commune.point.map(|p| p.0),
                lon: checked.commune.point.map(|p| p.1),
                commune_code: checked.commune.code.as_str().into(),
                radius_km: checked.radius_km,
                national: checked.national,
                quantity: checked.quantity.map(Quantity::get),
                unit: checked.unit,
                unit_price: checked.unit_price.map(UnitPrice::get),
                available_from: checked.available_from,
                valid_until: checked.valid_until,
                details: checked.details,
                visibility: checked.visibility,
                created_by: caller.id(),
                period: checked.period,
                // Published listings are written open at once: one index update, not two.
                status: if new.publish {
                    Status::Open
                } else {
                    Status::Draft
                },
            },
        )?;
        if new.publish {
            check_can_open(&created, today)?;
            view_with_matches(conn, env, caller, created)
        } else {
            let name = enterprise_name(conn, created.enterprise_id)?;
            Ok(ListingWithMatches::draft(ListingView::new(
                created,
                name,
                Disclosure::Full,
            )))
        }
    })
}

/// What `create` or `update` would refuse in these fields, without writing anything: a
/// form that already found errors of its own shows these too, so that one submission
/// shows every error at once. `None` when the fields would pass.
pub fn refusals(
    conn: &mut PgConnection,
    category: Category,
    fields: ListingFields,
) -> AppResult<Option<AppError>> {
    match check_listing(conn, category, fields, FieldErrors::new()) {
        Ok(_) => Ok(None),
        Err(refusal @ AppError::Validation(_)) => Ok(Some(refusal)),
        Err(other) => Err(other),
    }
}

/// A listing as this caller may see it; 404 when it may not.
pub fn show(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    id: ListingId,
) -> AppResult<ListingView> {
    let found = listing::find(conn, id)?;
    let managed = managed_by(conn, caller)?;
    let disclosure = disclosure_for(conn, caller, &managed, &found)?.ok_or(AppError::NotFound)?;
    let name = enterprise_name(conn, found.enterprise_id)?;
    Ok(ListingView::new(found, name, disclosure))
}

/// A listing its managers may edit (the pages' edit form); 403 for others who may see it.
pub fn editable(conn: &mut PgConnection, caller: &Caller, id: ListingId) -> AppResult<ListingView> {
    let view = show(conn, Some(caller), id)?;
    let managed = managed_by(conn, Some(caller))?;
    if !view.enterprise_id.is_some_and(|e| managed.contains(&e)) {
        return Err(AppError::forbidden("not_listing_manager"));
    }
    Ok(view)
}

/// A partial edit: `None` leaves a field as it is; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ListingUpdate {
    pub title: Option<String>,
    pub description: Option<String>,
    pub naf: Option<String>,
    pub commune: Option<String>,
    pub radius_km: Option<Option<i32>>,
    pub national: Option<bool>,
    pub quantity: Option<Option<Decimal>>,
    pub unit: Option<Option<Unit>>,
    pub unit_price: Option<Option<Decimal>>,
    pub available_from: Option<Option<NaiveDate>>,
    pub valid_until: Option<Option<NaiveDate>>,
    pub details: Option<serde_json::Value>,
    pub visibility: Option<Visibility>,
    pub period: Option<Option<Period>>,
}

/// Edits a draft, open or expired listing; an open one is matched again before the answer
/// (and its answered matches are to be answered afresh). 409 `listing_closed`.
pub fn update(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: ListingId,
    change: ListingUpdate,
) -> AppResult<ListingWithMatches> {
    let today = env.clock.today();
    conn.transaction(|conn| {
        let current = listing::find_for_update(conn, id)?;
        require_manager(conn, caller, current.enterprise_id)?;
        if current.status == Status::Closed {
            return Err(AppError::conflict("listing_closed"));
        }
        let input = ListingFields {
            title: change.title.unwrap_or_else(|| current.title.clone()),
            description: change
                .description
                .unwrap_or_else(|| current.description.clone()),
            naf: change.naf.unwrap_or_else(|| current.naf_code.clone()),
            commune: change
                .commune
                .unwrap_or_else(|| current.commune_code.clone()),
            radius_km: change.radius_km.unwrap_or(current.radius_km),
            national: change.national.unwrap_or(current.national),
            quantity: change.quantity.unwrap_or(current.quantity),
            unit: change.unit.unwrap_or(current.unit),
            unit_price: change.unit_price.unwrap_or(current.unit_price),
            available_from: change.available_from.unwrap_or(current.available_from),
            valid_until: change.valid_until.unwrap_or(current.valid_until),
            details: change.details.unwrap_or_else(|| current.details.clone()),
            visibility: change.visibility.unwrap_or(current.visibility),
            period: change.period.unwrap_or(current.period),
        };
        let mut errors = FieldErrors::new();
        if current.quantity_committed > Decimal::ZERO {
            if input.unit != current.unit {
                errors.add("unit", Invalid::new("committed"));
            }
            if input.quantity.is_none() {
                errors.add("quantity", Invalid::new("committed"));
            }
        }
        if input
            .quantity
            .is_some_and(|q| q < current.quantity_committed)
        {
            errors.add("quantity", Invalid::new("below_committed"));
        }
        let checked = check_listing(conn, current.category, input, errors)?;
        let updated = listing::update(
            conn,
            id,
            &ListingChanges {
                title: Some(checked.title),
                description: Some(checked.description),
                naf_division: Some(checked.naf.as_str()[..2].to_string()),
                naf_code: Some(checked.naf.as_str().into()),
                departement_code: Some(checked.commune.departement.clone()),
                region_code: Some(checked.commune.region.clone()),
                lat: Some(checked.commune.point.map(|p| p.0)),
                lon: Some(checked.commune.point.map(|p| p.1)),
                commune_code: Some(checked.commune.code.as_str().into()),
                radius_km: Some(checked.radius_km),
                national: Some(checked.national),
                quantity: Some(checked.quantity.map(Quantity::get)),
                unit: Some(checked.unit),
                unit_price: Some(checked.unit_price.map(UnitPrice::get)),
                available_from: Some(checked.available_from),
                valid_until: Some(checked.valid_until),
                details: Some(checked.details),
                visibility: Some(checked.visibility),
                period: Some(checked.period),
            },
        )?;
        matching::reset_answers(conn, id)?;
        if updated.status == Status::Open {
            check_can_open(&updated, today)?;
            view_with_matches(conn, env, caller, updated)
        } else {
            let name = enterprise_name(conn, updated.enterprise_id)?;
            Ok(ListingWithMatches::draft(ListingView::new(
                updated,
                name,
                Disclosure::Full,
            )))
        }
    })
}

/// Opens a draft (or an expired listing whose dates were moved); its matches are computed
/// before the answer. Publishing an open listing changes nothing. 409 `listing_closed`.
pub fn publish(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: ListingId,
) -> AppResult<ListingWithMatches> {
    let today = env.clock.today();
    conn.transaction(|conn| {
        let current = listing::find_for_update(conn, id)?;
        require_manager(conn, caller, current.enterprise_id)?;
        match current.status {
            Status::Closed => Err(AppError::conflict("listing_closed")),
            Status::Open => view_with_matches(conn, env, caller, current),
            Status::Draft | Status::Expired => {
                let opened = listing::open(conn, id)?;
                check_can_open(&opened, today)?;
                view_with_matches(conn, env, caller, opened)
            }
        }
    })
}

/// Closes a listing as fulfilled or withdrawn; its unanswered matches are withdrawn.
pub fn close(
    conn: &mut PgConnection,
    caller: &Caller,
    id: ListingId,
    reason: CloseReason,
) -> AppResult<ListingView> {
    conn.transaction(|conn| {
        let current = listing::find_for_update(conn, id)?;
        require_manager(conn, caller, current.enterprise_id)?;
        if current.status == Status::Closed {
            return Err(AppError::conflict("listing_closed"));
        }
        let closed = listing::close(conn, id, reason)?;
        matching::withdraw_for_listing(conn, id)?;
        let name = enterprise_name(conn, closed.enterprise_id)?;
        Ok(ListingView::new(closed, name, Disclosure::Full))
    })
}

/// Every listing of the enterprises the caller acts for, whatever its status, newest first.
pub fn mine(conn: &mut PgConnection, caller: &Caller) -> AppResult<Vec<ListingView>> {
    let ids: Vec<EnterpriseId> = enterprise::of_account(conn, caller.id())?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let names = enterprise::names(conn, &ids)?;
    Ok(listing::of_enterprises(conn, &ids)?
        .into_iter()
        .map(|l| {
            let name = names.get(&l.enterprise_id).cloned();
            ListingView::new(l, name, Disclosure::Full)
        })
        .collect())
}

/// An exact decimal from the API's JSON (kept exactly as sent).
pub fn exact(value: Option<ExactDecimal>) -> Option<Decimal> {
    value.map(|d| d.0)
}
