//! Exchanges between a provider and a beneficiary enterprise — their lifecycle, each
//! transition recorded with who and when, their impact — and the proposals that can lead
//! to them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::ids::{AccountId, EnterpriseId, ExchangeId, ListingId, MatchId, PoleId, ProposalId};
use super::listing::{self, Listing};
use super::matching;
use crate::domain::decimal::round_cents;
use crate::domain::ledger::ExchangeStatus;
use crate::domain::listing::CloseReason;
use crate::domain::listing::{Category, Period, Status};
use crate::domain::matching::ProposalStatus;
use crate::domain::units::Unit;
use crate::error::{AppError, AppResult};
use crate::schema::{exchange_transitions, exchanges, proposals};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = exchanges)]
pub struct Exchange {
    pub id: ExchangeId,
    pub provider_enterprise_id: EnterpriseId,
    pub beneficiary_enterprise_id: EnterpriseId,
    pub provider_pole_id: Option<PoleId>,
    pub beneficiary_pole_id: Option<PoleId>,
    pub category: Category,
    pub title: String,
    pub offer_listing_id: Option<ListingId>,
    pub need_listing_id: Option<ListingId>,
    pub quantity: Option<Decimal>,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
    pub total_amount: Option<Decimal>,
    pub status: ExchangeStatus,
    pub created_by: Option<AccountId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub match_id: Option<MatchId>,
    pub proposal_id: Option<ProposalId>,
    pub completed_at: Option<DateTime<Utc>>,
    pub jobs_created: Option<i32>,
    pub jobs_kept: Option<i32>,
    pub tonnes_diverted: Option<Decimal>,
    pub km_avoided: Option<Decimal>,
    pub impact_note: Option<String>,
    /// When its follow-up reminder went (`ops::follow_up`).
    pub follow_up_sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = exchanges)]
pub struct NewExchange {
    pub provider_enterprise_id: EnterpriseId,
    pub beneficiary_enterprise_id: EnterpriseId,
    pub provider_pole_id: Option<PoleId>,
    pub beneficiary_pole_id: Option<PoleId>,
    pub category: Category,
    pub title: String,
    pub offer_listing_id: Option<ListingId>,
    pub need_listing_id: Option<ListingId>,
    pub quantity: Option<Decimal>,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
    pub total_amount: Option<Decimal>,
    pub created_by: Option<AccountId>,
    pub match_id: Option<MatchId>,
    pub proposal_id: Option<ProposalId>,
}

pub fn find(conn: &mut PgConnection, id: ExchangeId) -> QueryResult<Exchange> {
    exchanges::table
        .find(id)
        .select(Exchange::as_select())
        .first(conn)
}

/// Inserts an exchange, seeing each enterprise through its pôle of the moment. Terms whose
/// total would not fit the ledger are refused.
pub fn insert(conn: &mut PgConnection, mut new: NewExchange) -> AppResult<Exchange> {
    new.provider_pole_id = listing::home_pole(conn, new.provider_enterprise_id)?;
    new.beneficiary_pole_id = listing::home_pole(conn, new.beneficiary_enterprise_id)?;
    new.quantity = new.quantity.map(|q| q.round_dp(6));
    new.unit_price = new.unit_price.map(|p| p.round_dp(6));
    if new.quantity.is_some_and(|q| q <= Decimal::ZERO) {
        return Err(AppError::conflict("quantity_rounds_to_zero"));
    }
    new.total_amount = match (new.quantity, new.unit_price) {
        (Some(q), Some(p)) => {
            let total = q
                .checked_mul(p)
                .map(round_cents)
                .filter(|t| t.abs() < Decimal::from(1_000_000_000_000_000i64))
                .ok_or_else(|| AppError::conflict("total_too_large"))?;
            Some(total)
        }
        _ => None,
    };
    let created: Exchange = diesel::insert_into(exchanges::table)
        .values(&new)
        .returning(Exchange::as_returning())
        .get_result(conn)?;
    record_transition(
        conn,
        created.id,
        None,
        ExchangeStatus::Agreed,
        "",
        created.created_by,
    )?;
    Ok(created)
}

/// Takes `wanted` (in `wanted_unit`) from an offer, never more than it has left; returns
/// the quantity committed in the offer's unit. The caller holds the offer's row lock.
fn commit_from_offer(
    conn: &mut PgConnection,
    offer: &Listing,
    wanted: Option<(Decimal, Unit)>,
) -> AppResult<Option<(Decimal, Unit)>> {
    let (Some(remaining), Some(unit)) = (offer.remaining(), offer.unit) else {
        return Ok(wanted);
    };
    if remaining <= Decimal::ZERO {
        return Err(AppError::conflict("offer_exhausted"));
    }
    let wanted_in_offer_unit = wanted.and_then(|(q, u)| u.convert(q, unit));
    // Converted quantities keep the 6 decimals the columns store.
    let committed = wanted_in_offer_unit
        .map_or(remaining, |w| w.min(remaining))
        .round_dp(6);
    if committed <= Decimal::ZERO {
        return Err(AppError::conflict("quantity_rounds_to_zero"));
    }
    let updated = listing::commit_quantity(conn, offer.id, committed)?;
    if updated.remaining().is_some_and(|r| r <= Decimal::ZERO) {
        listing::close(conn, offer.id, CloseReason::Fulfilled)?;
        matching::withdraw_for_listing(conn, offer.id)?;
    }
    Ok(Some((committed, unit)))
}

/// A quantity per `from` counted per `to` (12 t a month is 2.77 t a week), when both are
/// recurring; as it is otherwise.
fn in_period(quantity: Decimal, from: Option<Period>, to: Option<Period>) -> Decimal {
    match (from, to) {
        (Some(from), Some(to)) => (quantity * from.per_year() / to.per_year()).round_dp(6),
        _ => quantity,
    }
}

/// Counts what an exchange gives against what a need wants (in the need's unit, never
/// beyond what it still wants); a need fully covered closes as fulfilled and stops
/// matching. The caller holds the need's row lock.
pub fn commit_to_need(
    conn: &mut PgConnection,
    need: &Listing,
    given: Decimal,
    unit: Unit,
) -> AppResult<()> {
    let (Some(remaining), Some(need_unit)) = (need.remaining(), need.unit) else {
        return Ok(());
    };
    let Some(given) = unit.convert(given, need_unit) else {
        return Ok(());
    };
    let committed = given.min(remaining).round_dp(6);
    if committed <= Decimal::ZERO {
        return Ok(());
    }
    let updated = listing::commit_quantity(conn, need.id, committed)?;
    if updated.status == Status::Open && updated.remaining().is_some_and(|r| r <= Decimal::ZERO) {
        listing::close(conn, need.id, CloseReason::Fulfilled)?;
        matching::withdraw_for_listing(conn, need.id)?;
    }
    Ok(())
}

/// Creates the exchange of a match both sides accepted. The caller holds the match's row
/// lock, so two accepts at the same instant create one exchange.
pub fn create_from_match(
    conn: &mut PgConnection,
    found: &matching::Match,
    account: AccountId,
) -> AppResult<Exchange> {
    let offer = listing::find_for_update(conn, found.offer_id)?;
    let need = listing::find_for_update(conn, found.need_id)?;
    // What the need still wants, in one period of the offer when both are recurring.
    let wanted = need
        .remaining()
        .zip(need.unit)
        .map(|(q, unit)| (in_period(q, need.period, offer.period), unit));
    let committed = commit_from_offer(conn, &offer, wanted)?;
    if let Some((quantity, unit)) = committed {
        commit_to_need(
            conn,
            &need,
            in_period(quantity, offer.period, need.period),
            unit,
        )?;
    }
    let unit_price = match (offer.unit_price, committed) {
        (Some(price), _) => Some(price),
        (None, Some((_, unit))) => need
            .unit_price
            .zip(need.unit)
            .and_then(|(price, need_unit)| need_unit.convert_price(price, unit)),
        (None, None) => None,
    };
    let exchange = insert(
        conn,
        NewExchange {
            provider_enterprise_id: offer.enterprise_id,
            beneficiary_enterprise_id: need.enterprise_id,
            provider_pole_id: None,
            beneficiary_pole_id: None,
            category: offer.category,
            title: offer.title.clone(),
            offer_listing_id: Some(offer.id),
            need_listing_id: Some(need.id),
            quantity: committed.map(|(q, _)| q),
            unit: committed.map(|(_, u)| u),
            unit_price,
            total_amount: None,
            created_by: Some(account),
            match_id: Some(found.id),
            proposal_id: None,
        },
    )?;
    matching::mark_accepted(conn, found.id, exchange.id)?;
    Ok(exchange)
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = proposals)]
pub struct Proposal {
    pub id: ProposalId,
    /// The listing answered: a need (the proposer provides) or an offer (the proposer
    /// receives).
    pub listing_id: ListingId,
    pub enterprise_id: EnterpriseId,
    pub message: String,
    pub quantity: Option<Decimal>,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
    pub status: ProposalStatus,
    pub created_by: AccountId,
    pub decided_by: Option<AccountId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub exchange_id: Option<ExchangeId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = proposals)]
pub struct NewProposal {
    pub listing_id: ListingId,
    pub enterprise_id: EnterpriseId,
    pub message: String,
    pub quantity: Option<Decimal>,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
    pub created_by: AccountId,
}

pub fn insert_proposal(conn: &mut PgConnection, new: &NewProposal) -> QueryResult<Proposal> {
    diesel::insert_into(proposals::table)
        .values(new)
        .returning(Proposal::as_returning())
        .get_result(conn)
}

pub fn find_proposal_for_update(conn: &mut PgConnection, id: ProposalId) -> QueryResult<Proposal> {
    proposals::table
        .find(id)
        .select(Proposal::as_select())
        .for_no_key_update()
        .first(conn)
}

pub fn find_proposal(conn: &mut PgConnection, id: ProposalId) -> QueryResult<Proposal> {
    proposals::table
        .find(id)
        .select(Proposal::as_select())
        .first(conn)
}

pub fn proposals_of_listing(
    conn: &mut PgConnection,
    listing: ListingId,
) -> QueryResult<Vec<Proposal>> {
    proposals::table
        .filter(proposals::listing_id.eq(listing))
        .select(Proposal::as_select())
        .order(proposals::id.desc())
        .load(conn)
}

/// Answers a pending proposal; accepting creates the exchange (the proposer provides).
/// The caller holds the proposal's row lock.
pub fn decide_proposal(
    conn: &mut PgConnection,
    proposal: &Proposal,
    accepted: bool,
    account: AccountId,
) -> AppResult<Proposal> {
    if proposal.status != ProposalStatus::Pending {
        return Err(AppError::Conflict(
            crate::error::Refusal::new("proposal_already_decided")
                .with("status", proposal.status.as_str()),
        ));
    }
    let exchange_id = if accepted {
        let answered = listing::find_for_update(conn, proposal.listing_id)?;
        let answers_need = answered.kind == crate::domain::listing::Kind::Need;
        let (quantity, unit, unit_price) = if answers_need {
            if let (Some(quantity), Some(unit)) = (proposal.quantity, proposal.unit) {
                commit_to_need(conn, &answered, quantity, unit)?;
            }
            (proposal.quantity, proposal.unit, proposal.unit_price)
        } else {
            // Asking for part of an offer: never more than it has left, counted and priced
            // in the offer's unit; a unit that cannot be converted (hours of a tonnage) is
            // refused, never read as "all of it".
            let asked = proposal.quantity.zip(proposal.unit);
            if let (Some((_, asked_unit)), Some(offer_unit)) = (asked, answered.unit) {
                if !asked_unit.compatible(offer_unit) {
                    return Err(AppError::Conflict(
                        crate::error::Refusal::new("unit_incompatible")
                            .with("unit", asked_unit.as_str())
                            .with("offer_unit", offer_unit.as_str()),
                    ));
                }
            }
            match commit_from_offer(conn, &answered, asked)? {
                Some((given, unit)) => {
                    let price = match (proposal.unit_price, proposal.unit) {
                        (Some(price), Some(asked_unit)) => asked_unit.convert_price(price, unit),
                        (price, _) => price,
                    };
                    (Some(given), Some(unit), price)
                }
                None => (proposal.quantity, proposal.unit, proposal.unit_price),
            }
        };
        let (provider, beneficiary, offer_id, need_id) = if answers_need {
            (
                proposal.enterprise_id,
                answered.enterprise_id,
                None,
                Some(answered.id),
            )
        } else {
            (
                answered.enterprise_id,
                proposal.enterprise_id,
                Some(answered.id),
                None,
            )
        };
        let exchange = insert(
            conn,
            NewExchange {
                provider_enterprise_id: provider,
                beneficiary_enterprise_id: beneficiary,
                provider_pole_id: None,
                beneficiary_pole_id: None,
                category: answered.category,
                title: answered.title.clone(),
                offer_listing_id: offer_id,
                need_listing_id: need_id,
                quantity,
                unit,
                unit_price,
                total_amount: None,
                created_by: Some(account),
                match_id: None,
                proposal_id: Some(proposal.id),
            },
        )?;
        Some(exchange.id)
    } else {
        None
    };
    Ok(diesel::update(proposals::table.find(proposal.id))
        .set((
            proposals::status.eq(if accepted {
                ProposalStatus::Accepted
            } else {
                ProposalStatus::Declined
            }),
            proposals::decided_by.eq(account),
            proposals::decided_at.eq(diesel::dsl::now),
            proposals::exchange_id.eq(exchange_id),
        ))
        .returning(Proposal::as_returning())
        .get_result(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = exchange_transitions)]
pub struct Transition {
    pub id: i64,
    pub exchange_id: ExchangeId,
    pub from_status: Option<ExchangeStatus>,
    pub to_status: ExchangeStatus,
    pub note: String,
    pub account_id: Option<AccountId>,
    pub created_at: DateTime<Utc>,
}

pub fn record_transition(
    conn: &mut PgConnection,
    exchange: ExchangeId,
    from: Option<ExchangeStatus>,
    to: ExchangeStatus,
    note: &str,
    account: Option<AccountId>,
) -> QueryResult<usize> {
    diesel::insert_into(exchange_transitions::table)
        .values((
            exchange_transitions::exchange_id.eq(exchange),
            exchange_transitions::from_status.eq(from),
            exchange_transitions::to_status.eq(to),
            exchange_transitions::note.eq(note),
            exchange_transitions::account_id.eq(account),
        ))
        .execute(conn)
}

pub fn transitions_of(
    conn: &mut PgConnection,
    exchange: ExchangeId,
) -> QueryResult<Vec<Transition>> {
    exchange_transitions::table
        .filter(exchange_transitions::exchange_id.eq(exchange))
        .select(Transition::as_select())
        .order(exchange_transitions::id)
        .load(conn)
}

pub fn find_for_update(conn: &mut PgConnection, id: ExchangeId) -> QueryResult<Exchange> {
    exchanges::table
        .find(id)
        .select(Exchange::as_select())
        .for_no_key_update()
        .first(conn)
}

/// Moves an exchange to `to` and records who, when and why.
pub fn transition(
    conn: &mut PgConnection,
    exchange: &Exchange,
    to: ExchangeStatus,
    note: &str,
    account: AccountId,
    now: DateTime<Utc>,
) -> QueryResult<Exchange> {
    record_transition(
        conn,
        exchange.id,
        Some(exchange.status),
        to,
        note,
        Some(account),
    )?;
    let completed_at = (to == ExchangeStatus::Completed).then_some(now);
    diesel::update(exchanges::table.find(exchange.id))
        .set((
            exchanges::status.eq(to),
            exchanges::completed_at.eq(completed_at),
            exchanges::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Exchange::as_returning())
        .get_result(conn)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = exchanges, treat_none_as_null = true)]
pub struct Impact {
    pub jobs_created: Option<i32>,
    pub jobs_kept: Option<i32>,
    pub tonnes_diverted: Option<Decimal>,
    pub km_avoided: Option<Decimal>,
    pub impact_note: Option<String>,
}

pub fn set_impact(
    conn: &mut PgConnection,
    id: ExchangeId,
    impact: &Impact,
) -> QueryResult<Exchange> {
    diesel::update(exchanges::table.find(id))
        .set((impact, exchanges::updated_at.eq(diesel::dsl::now)))
        .returning(Exchange::as_returning())
        .get_result(conn)
}

/// Exchanges one of `enterprises` takes part in, or that involve one of `poles`; all of
/// them for `everything` (admins). Newest first.
pub fn visible(
    conn: &mut PgConnection,
    enterprises: &[EnterpriseId],
    poles: &[PoleId],
    everything: bool,
    status: Option<ExchangeStatus>,
) -> QueryResult<Vec<Exchange>> {
    let mut query = exchanges::table.select(Exchange::as_select()).into_boxed();
    if !everything {
        query = query.filter(
            exchanges::provider_enterprise_id
                .eq_any(enterprises.to_vec())
                .or(exchanges::beneficiary_enterprise_id.eq_any(enterprises.to_vec()))
                .or(exchanges::provider_pole_id
                    .eq_any(poles.iter().map(|p| Some(*p)).collect::<Vec<_>>()))
                .or(exchanges::beneficiary_pole_id
                    .eq_any(poles.iter().map(|p| Some(*p)).collect::<Vec<_>>())),
        );
    }
    if let Some(status) = status {
        query = query.filter(exchanges::status.eq(status));
    }
    query.order(exchanges::id.desc()).limit(500).load(conn)
}

/// Exchanges still agreed with no change since `before` and no reminder yet, oldest first.
pub fn agreed_without_news(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Exchange>> {
    exchanges::table
        .filter(exchanges::status.eq(ExchangeStatus::Agreed))
        .filter(exchanges::follow_up_sent_at.is_null())
        .filter(exchanges::updated_at.lt(before))
        .select(Exchange::as_select())
        .order(exchanges::updated_at.asc())
        .limit(limit)
        .load(conn)
}

/// Exchanges of these pôles still agreed with no change since `before` (reminded or not):
/// the coordinators' "without news".
pub fn without_news_of_poles(
    conn: &mut PgConnection,
    poles: &[PoleId],
    before: DateTime<Utc>,
) -> QueryResult<Vec<Exchange>> {
    exchanges::table
        .filter(exchanges::status.eq(ExchangeStatus::Agreed))
        .filter(exchanges::updated_at.lt(before))
        .filter(
            exchanges::provider_pole_id
                .eq_any(poles)
                .or(exchanges::beneficiary_pole_id.eq_any(poles)),
        )
        .select(Exchange::as_select())
        .order(exchanges::updated_at.asc())
        .limit(100)
        .load(conn)
}

/// Marks the reminder sent, once: `None` when another node did it first.
pub fn mark_followed_up(
    conn: &mut PgConnection,
    id: ExchangeId,
    now: DateTime<Utc>,
) -> QueryResult<Option<Exchange>> {
    diesel::update(
        exchanges::table
            .find(id)
            .filter(exchanges::follow_up_sent_at.is_null())
            .filter(exchanges::status.eq(ExchangeStatus::Agreed)),
    )
    .set(exchanges::follow_up_sent_at.eq(now))
    .returning(Exchange::as_returning())
    .get_result(conn)
    .optional()
}

/// Has this one-click link been used?
pub fn link_used(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<bool> {
    use crate::schema::used_links;
    diesel::select(diesel::dsl::exists(
        used_links::table.filter(used_links::token_hash.eq(token_hash)),
    ))
    .get_result(conn)
}

/// Records a one-click link as used; false when it already was.
pub fn use_link(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<bool> {
    use crate::schema::used_links;
    diesel::insert_into(used_links::table)
        .values(used_links::token_hash.eq(token_hash))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n == 1)
}
