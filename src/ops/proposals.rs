//! Proposals: an enterprise answers a listing directly, without a listing of its own.
//! Accepting creates the exchange at once.

use diesel::{Connection, PgConnection};
use rust_decimal::Decimal;

use super::access::{disclosure_for, managed_by};
use super::limits::{self, Limited, Requester};
use super::listings::check_terms;
use super::Env;
use crate::auth::Caller;
use crate::domain::decimal::{price_display, quantity_display, Quantity, UnitPrice};
use crate::domain::listing::Status;
use crate::domain::units::Unit;
use crate::domain::Invalid;
use crate::email::events;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::exchange::{self, NewProposal, Proposal};
use crate::models::ids::{EnterpriseId, ListingId, ProposalId};
use crate::models::listing::{self, Listing};
use crate::views::matches::{ProposalList, ProposalView};

fn view(conn: &mut PgConnection, proposal: Proposal) -> AppResult<ProposalView> {
    let name = crate::models::enterprise::find(conn, proposal.enterprise_id)?.name;
    Ok(ProposalView {
        id: proposal.id,
        listing_id: proposal.listing_id,
        conversation_id: crate::domain::conversation::Subject::Proposal(proposal.id.0).id(),
        enterprise_id: proposal.enterprise_id,
        enterprise_name: name,
        message: proposal.message,
        quantity: proposal.quantity.map(quantity_display),
        unit: proposal.unit,
        unit_price: proposal.unit_price.map(price_display),
        status: proposal.status,
        exchange_id: proposal.exchange_id,
        created_at: proposal.created_at,
    })
}

fn visible_listing(
    conn: &mut PgConnection,
    caller: &Caller,
    managed: &[EnterpriseId],
    id: ListingId,
) -> AppResult<Listing> {
    let found = listing::find(conn, id)?;
    if disclosure_for(conn, Some(caller), managed, &found)?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(found)
}

pub struct NewProposalCommand {
    /// The enterprise that proposes (one the caller acts for).
    pub enterprise_id: EnterpriseId,
    pub message: String,
    pub quantity: Option<Decimal>,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
}

/// Proposes to answer an open listing, for an enterprise the caller acts for: a need (the
/// proposer would provide) or an offer (the proposer asks for part of it; accepting gives
/// it at most what the offer has left). Counts against `[limits] proposals`. 409
/// `listing_not_open`, `own_listing`, `takeover_by_contact_request` (a takeover is asked
/// about with a contact request); 403 `not_your_enterprise`.
pub fn propose(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    requester: &Requester,
    id: ListingId,
    new: NewProposalCommand,
) -> AppResult<ProposalView> {
    let mut errors = FieldErrors::new();
    let message = new.message.trim().to_string();
    if !(1..=2000).contains(&message.chars().count()) {
        errors.add("message", Invalid::new("message_length"));
    }
    let (quantity, unit_price) = check_terms(&mut errors, new.quantity, new.unit, new.unit_price);
    errors.finish()?;
    let managed = managed_by(conn, Some(caller))?;
    let found = visible_listing(conn, caller, &managed, id)?;
    limits::check(
        conn,
        env,
        Limited::Proposals,
        &requester.as_account(caller.id()),
    )?;
    if found.category == crate::domain::listing::Category::BusinessTakeover {
        return Err(AppError::conflict("takeover_by_contact_request"));
    }
    // Part of an offer is asked for in a unit it can be counted in.
    if let (Some(asked), Some(offered)) = (new.unit, found.unit) {
        if found.kind == crate::domain::listing::Kind::Offer && !asked.compatible(offered) {
            return Err(AppError::invalid_field(
                "unit",
                Invalid::new("unit_incompatible").with("offer_unit", offered.as_str()),
            ));
        }
    }
    if found.status != Status::Open {
        return Err(AppError::conflict("listing_not_open"));
    }
    if !managed.contains(&new.enterprise_id)
        || !crate::models::enterprise::is_member_account(conn, new.enterprise_id, caller.id())?
    {
        return Err(AppError::forbidden("not_your_enterprise"));
    }
    if new.enterprise_id == found.enterprise_id {
        return Err(AppError::conflict("own_listing"));
    }
    let created = exchange::insert_proposal(
        conn,
        &NewProposal {
            listing_id: id,
            enterprise_id: new.enterprise_id,
            message,
            quantity: quantity.map(Quantity::get),
            unit: new.unit,
            unit_price: unit_price.map(UnitPrice::get),
            created_by: caller.id(),
        },
    )?;
    crate::email::conversation_events::proposal_received(conn, &env.links, &found, &created)?;
    view(conn, created)
}

/// The proposals made to a listing (its enterprise's accounts and its pôles'
/// coordinators; 403 `not_listing_manager` for others who may see the listing).
pub fn of_listing(
    conn: &mut PgConnection,
    caller: &Caller,
    id: ListingId,
) -> AppResult<ProposalList> {
    let managed = managed_by(conn, Some(caller))?;
    let found = visible_listing(conn, caller, &managed, id)?;
    if !managed.contains(&found.enterprise_id) {
        return Err(AppError::forbidden("not_listing_manager"));
    }
    let items = exchange::proposals_of_listing(conn, id)?
        .into_iter()
        .map(|p| view(conn, p))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(ProposalList { items })
}

/// Answers a proposal (the listing's side); accepting creates the exchange at once.
/// 409 `proposal_already_decided`, `listing_not_open`.
pub fn decide(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: ProposalId,
    accepted: bool,
) -> AppResult<ProposalView> {
    conn.transaction(|conn| {
        let proposal = exchange::find_proposal_for_update(conn, id)?;
        let found = listing::find(conn, proposal.listing_id)?;
        let managed = managed_by(conn, Some(caller))?;
        if !managed.contains(&found.enterprise_id) {
            return if managed.contains(&proposal.enterprise_id) {
                Err(AppError::forbidden("not_your_side"))
            } else {
                Err(AppError::NotFound)
            };
        }
        if accepted && found.status != Status::Open {
            return Err(AppError::conflict("listing_not_open"));
        }
        let decided = exchange::decide_proposal(conn, &proposal, accepted, caller.id())?;
        if let Some(exchange_id) = decided.exchange_id {
            let created = exchange::find(conn, exchange_id)?;
            events::exchange_created(conn, &env.links, &created)?;
        }
        view(conn, decided)
    })
}
