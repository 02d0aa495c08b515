//! Exchanges: recorded by coordinators (or created by an agreed match or proposal),
//! followed through `agreed` → `in_progress` → `completed` | `cancelled`, with their
//! impact; and `Idempotency-Key` for the writes that create records.

use diesel::{Connection, PgConnection};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::access::managed_by;
use super::listings::check_terms;
use super::Env;
use crate::auth::Caller;
use crate::domain::decimal::{price_display, quantity_display, ExactDecimal, Quantity, UnitPrice};
use crate::domain::enterprise::MembershipStatus;
use crate::domain::ledger::{impact_window_open, ExchangeStatus};
use crate::domain::listing::{check_title, Category};
use crate::domain::units::Unit;
use crate::domain::Invalid;
use crate::email::events;
use crate::error::{AppError, AppResult, FieldErrors, Refusal};
use crate::models::exchange::{self, Exchange, Impact, NewExchange};
use crate::models::ids::{AccountId, EnterpriseId, ExchangeId, PoleId};
use crate::models::{enterprise, idempotency, ledger, listing, pole};
use crate::views::exchanges::{
    ContactView, ExchangeList, ExchangeView, ImpactView, PartyView, TotalsView, TransitionView,
};

// ---- Access ----

/// What the caller may do with an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    None,
    /// Admins see everything.
    Read,
    /// The parties and their pôles' coordinators follow and record.
    Act,
}

pub fn access(conn: &mut PgConnection, caller: &Caller, found: &Exchange) -> AppResult<Access> {
    let managed = managed_by(conn, Some(caller))?;
    let coordinated = pole::coordinated_by(conn, caller.id())?;
    let party = managed.contains(&found.provider_enterprise_id)
        || managed.contains(&found.beneficiary_enterprise_id);
    let coordinator = [found.provider_pole_id, found.beneficiary_pole_id]
        .into_iter()
        .flatten()
        .any(|p| coordinated.contains(&p));
    Ok(if party || coordinator {
        Access::Act
    } else if caller.is_admin() {
        Access::Read
    } else {
        Access::None
    })
}

/// 404 for strangers (an exchange's existence is private), 403 `not_exchange_party` for
/// admins who may read but not act.
pub fn require(
    conn: &mut PgConnection,
    caller: &Caller,
    found: &Exchange,
    needed: Access,
) -> AppResult<()> {
    match (access(conn, caller, found)?, needed) {
        (Access::None, _) => Err(AppError::NotFound),
        (Access::Read, Access::Act) => Err(AppError::forbidden("not_exchange_party")),
        _ => Ok(()),
    }
}

// ---- Views ----

fn pole_slug(conn: &mut PgConnection, id: Option<PoleId>) -> AppResult<Option<String>> {
    Ok(match id {
        Some(id) => Some(pole::slug_of(conn, id)?),
        None => None,
    })
}

pub fn view(conn: &mut PgConnection, found: Exchange) -> AppResult<ExchangeView> {
    let names = enterprise::names(
        conn,
        &[
            found.provider_enterprise_id,
            found.beneficiary_enterprise_id,
        ],
    )?;
    let transitions = exchange::transitions_of(conn, found.id)?
        .into_iter()
        .map(|t| TransitionView {
            from: t.from_status,
            to: t.to_status,
            note: t.note,
            by: t.account_id,
            at: t.created_at,
        })
        .collect();
    let totals = ledger::totals(conn, found.id)?;
    let contacts = enterprise::contacts(
        conn,
        &[
            found.provider_enterprise_id,
            found.beneficiary_enterprise_id,
        ],
    )?;
    let contacts_of = |id: EnterpriseId| -> Vec<ContactView> {
        contacts
            .iter()
            .filter(|(enterprise, _, _)| *enterprise == id)
            .map(|(_, name, email)| ContactView {
                name: name.clone(),
                email: email.clone(),
            })
            .collect()
    };
    Ok(ExchangeView {
        id: found.id,
        conversation_id: crate::domain::conversation::Subject::Exchange(found.id.0).id(),
        status: found.status,
        category: found.category,
        title: found.title,
        provider: PartyView {
            enterprise_id: found.provider_enterprise_id,
            name: names
                .get(&found.provider_enterprise_id)
                .cloned()
                .unwrap_or_default(),
            pole: pole_slug(conn, found.provider_pole_id)?,
            contacts: contacts_of(found.provider_enterprise_id),
        },
        beneficiary: PartyView {
            enterprise_id: found.beneficiary_enterprise_id,
            name: names
                .get(&found.beneficiary_enterprise_id)
                .cloned()
                .unwrap_or_default(),
            pole: pole_slug(conn, found.beneficiary_pole_id)?,
            contacts: contacts_of(found.beneficiary_enterprise_id),
        },
        quantity: found.quantity.map(quantity_display),
        unit: found.unit,
        unit_price: found.unit_price.map(price_display),
        total_amount: found.total_amount.map(ExactDecimal),
        match_id: found.match_id,
        proposal_id: found.proposal_id,
        transitions,
        totals: TotalsView::from(totals),
        impact: ImpactView {
            jobs_created: found.jobs_created,
            jobs_kept: found.jobs_kept,
            tonnes_diverted: found.tonnes_diverted.map(quantity_display),
            km_avoided: found.km_avoided.map(quantity_display),
            note: found.impact_note,
        },
        created_at: found.created_at,
        completed_at: found.completed_at,
    })
}

// ---- Idempotency ----

/// An `Idempotency-Key` and the hash of the request it came with (method, path, body):
/// the key is bound to the first request it was used with.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: Vec<u8>,
}

impl IdempotencyKey {
    /// 1 to 200 characters. Error: `idempotency_key`.
    pub fn new(key: &str, request_hash: Vec<u8>) -> AppResult<IdempotencyKey> {
        let key = key.trim();
        if key.is_empty() || key.len() > 200 {
            return Err(AppError::invalid_field(
                "Idempotency-Key",
                Invalid::new("idempotency_key"),
            ));
        }
        Ok(IdempotencyKey {
            key: key.to_string(),
            request_hash,
        })
    }
}

/// What a keyed write answered: created now, or the first answer again.
#[derive(Debug, Clone)]
pub enum Keyed<V> {
    Created(V),
    Replayed(V),
}

impl<V> Keyed<V> {
    pub fn into_inner(self) -> V {
        match self {
            Keyed::Created(v) | Keyed::Replayed(v) => v,
        }
    }
}

/// Runs `create` in one transaction with the idempotency key: a retry with the same key and
/// request gets the first answer again and creates nothing; the same key with another
/// request is refused (422 `idempotency_key_reused`). Concurrent requests with one key wait
/// on the key's row, so they create one record.
pub fn idempotent<V, F>(
    conn: &mut PgConnection,
    account: AccountId,
    key: Option<IdempotencyKey>,
    create: F,
) -> AppResult<Keyed<V>>
where
    V: Serialize + DeserializeOwned,
    F: FnOnce(&mut PgConnection) -> AppResult<V>,
{
    conn.transaction(|conn| {
        if let Some(key) = &key {
            match idempotency::begin(conn, account, &key.key, &key.request_hash)? {
                idempotency::Begin::Fresh => {}
                idempotency::Begin::Replay { body, .. } => {
                    let first = serde_json::from_str(&body)
                        .map_err(|e| AppError::Internal(anyhow::anyhow!("a stored answer: {e}")))?;
                    return Ok(Keyed::Replayed(first));
                }
                idempotency::Begin::Mismatch => {
                    return Err(AppError::invalid_field(
                        "Idempotency-Key",
                        Invalid::new("idempotency_key_reused"),
                    ));
                }
            }
        }
        let created = create(conn)?;
        if let Some(key) = &key {
            let body = serde_json::to_string(&created).map_err(|e| AppError::Internal(e.into()))?;
            idempotency::save(conn, account, &key.key, 201, &body)?;
        }
        Ok(Keyed::Created(created))
    })
}

// ---- Operations ----

pub struct NewExchangeCommand {
    pub provider_enterprise_id: EnterpriseId,
    pub beneficiary_enterprise_id: EnterpriseId,
    pub category: Category,
    pub title: String,
    pub quantity: Option<rust_decimal::Decimal>,
    pub unit: Option<Unit>,
    pub unit_price: Option<rust_decimal::Decimal>,
}

/// A coordinator records an exchange agreed outside the marketplace, between two approved
/// enterprises at least one of which is in a pôle it coordinates (admins: any).
pub fn create(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    key: Option<IdempotencyKey>,
    new: NewExchangeCommand,
) -> AppResult<Keyed<ExchangeView>> {
    let mut errors = FieldErrors::new();
    let title = errors.check("title", check_title(&new.title));
    let (quantity, unit_price) = check_terms(&mut errors, new.quantity, new.unit, new.unit_price);
    if new.provider_enterprise_id == new.beneficiary_enterprise_id {
        errors.add("beneficiary_enterprise_id", Invalid::new("same_enterprise"));
    }
    errors.finish()?;
    let title = title.unwrap_or_default();
    idempotent(conn, caller.id(), key, |conn| {
        let coordinated = pole::coordinated_by(conn, caller.id())?;
        let mut errors = FieldErrors::new();
        let mut homes = Vec::new();
        for (field, id) in [
            ("provider_enterprise_id", new.provider_enterprise_id),
            ("beneficiary_enterprise_id", new.beneficiary_enterprise_id),
        ] {
            match listing::home_pole(conn, id)? {
                Some(home) => homes.push((id, home)),
                None => errors.add(field, Invalid::new("not_approved")),
            }
        }
        errors.finish()?;
        let mut involved = Vec::new();
        for (id, _) in &homes {
            involved.extend(
                enterprise::memberships_of(conn, *id)?
                    .into_iter()
                    .filter(|m| m.status == MembershipStatus::Approved)
                    .map(|m| m.pole_id),
            );
        }
        if !caller.is_admin() && !involved.iter().any(|p| coordinated.contains(p)) {
            return Err(AppError::forbidden("not_pole_coordinator"));
        }
        let created = exchange::insert(
            conn,
            NewExchange {
                provider_enterprise_id: new.provider_enterprise_id,
                beneficiary_enterprise_id: new.beneficiary_enterprise_id,
                provider_pole_id: None,
                beneficiary_pole_id: None,
                category: new.category,
                title,
                offer_listing_id: None,
                need_listing_id: None,
                quantity: quantity.map(Quantity::get),
                unit: new.unit,
                unit_price: unit_price.map(UnitPrice::get),
                total_amount: None,
                created_by: Some(caller.id()),
                match_id: None,
                proposal_id: None,
            },
        )?;
        events::exchange_created(conn, &env.links, &created)?;
        view(conn, created)
    })
}

/// Exchanges of the enterprises the caller acts for and of the pôles it coordinates (all
/// for admins), newest first.
pub fn list(
    conn: &mut PgConnection,
    caller: &Caller,
    status: Option<&str>,
) -> AppResult<ExchangeList> {
    let status = match status.filter(|s| !s.is_empty()) {
        Some(text) => Some(ExchangeStatus::parse(text).ok_or_else(|| {
            AppError::invalid_field("status", Invalid::new("invalid_value").with("value", text))
        })?),
        None => None,
    };
    let managed = managed_by(conn, Some(caller))?;
    let coordinated = pole::coordinated_by(conn, caller.id())?;
    let found = exchange::visible(conn, &managed, &coordinated, caller.is_admin(), status)?;
    let items = found
        .into_iter()
        .map(|e| view(conn, e))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(ExchangeList { items })
}

/// An exchange with its transitions, totals and impact.
pub fn show(conn: &mut PgConnection, caller: &Caller, id: ExchangeId) -> AppResult<ExchangeView> {
    let found = exchange::find(conn, id)?;
    require(conn, caller, &found, Access::Read)?;
    view(conn, found)
}

/// What the caller may do with an exchange (for the pages' buttons).
pub fn access_to(conn: &mut PgConnection, caller: &Caller, id: ExchangeId) -> AppResult<Access> {
    let found = exchange::find(conn, id)?;
    access(conn, caller, &found)
}

/// Moves an exchange along its lifecycle; who, when and why are recorded, and both sides
/// and their coordinators are told. 409 `transition_not_allowed`.
pub fn transition(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: ExchangeId,
    to: ExchangeStatus,
    note: &str,
) -> AppResult<ExchangeView> {
    if note.chars().count() > 2000 {
        return Err(AppError::invalid_field(
            "note",
            Invalid::new("too_long").with("max", 2000),
        ));
    }
    conn.transaction(|conn| {
        let found = exchange::find_for_update(conn, id)?;
        require(conn, caller, &found, Access::Act)?;
        if !found.status.can_become(to) {
            return Err(AppError::Conflict(
                Refusal::new("transition_not_allowed")
                    .with("from", found.status.as_str())
                    .with("to", to.as_str()),
            ));
        }
        let moved =
            exchange::transition(conn, &found, to, note.trim(), caller.id(), env.clock.now())?;
        events::exchange_status_changed(conn, &env.links, &moved, to)?;
        view(conn, moved)
    })
}

/// Records the exchange's impact, until the end of the 30th Paris day after completion.
/// 409 `impact_window_closed` (also for a cancelled exchange).
pub fn set_impact(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: ExchangeId,
    figures: ImpactView,
) -> AppResult<ExchangeView> {
    let mut errors = FieldErrors::new();
    for (field, value) in [
        ("jobs_created", figures.jobs_created),
        ("jobs_kept", figures.jobs_kept),
    ] {
        if value.is_some_and(|v| v < 0) {
            errors.add(field, Invalid::new("negative"));
        }
    }
    let mut decimal = |field: &str, value: Option<ExactDecimal>, scale: u32| {
        value.and_then(|v| {
            if v.0 < rust_decimal::Decimal::ZERO
                || v.0.normalize().scale() > scale
                || v.0 >= rust_decimal::Decimal::from(10_000_000_000i64)
            {
                errors.add(field, Invalid::new("impact_precision").with("scale", scale));
                None
            } else {
                Some(v.0)
            }
        })
    };
    let tonnes = decimal("tonnes_diverted", figures.tonnes_diverted, 3);
    let km = decimal("km_avoided", figures.km_avoided, 1);
    if figures
        .note
        .as_ref()
        .is_some_and(|n| n.chars().count() > 2000)
    {
        errors.add("note", Invalid::new("too_long").with("max", 2000));
    }
    errors.finish()?;
    conn.transaction(|conn| {
        let found = exchange::find_for_update(conn, id)?;
        require(conn, caller, &found, Access::Act)?;
        if found.status == ExchangeStatus::Cancelled
            || !impact_window_open(found.completed_at, env.clock.now())
        {
            return Err(AppError::conflict("impact_window_closed"));
        }
        let updated = exchange::set_impact(
            conn,
            id,
            &Impact {
                jobs_created: figures.jobs_created,
                jobs_kept: figures.jobs_kept,
                tonnes_diverted: tonnes,
                km_avoided: km,
                impact_note: figures.note.map(|n| n.trim().to_string()),
            },
        )?;
        view(conn, updated)
    })
}
