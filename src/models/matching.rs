//! Matches: computed when a listing opens or changes, in the caller's transaction; answered
//! by each side; turned into exactly one exchange when both sides accept.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Float8, Int2, Jsonb, Nullable};

use super::candidates::{self, Slack};
use super::ids::{AccountId, ExchangeId, ListingId, MatchId};
use super::listing::{self, Listing};
use crate::domain::listing::{Kind, Status};
use crate::domain::matching::{Decision, MatchStatus};
use crate::schema::{listings, matches};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = matches)]
pub struct Match {
    pub id: MatchId,
    pub offer_id: ListingId,
    pub need_id: ListingId,
    pub score: i16,
    pub explanation: serde_json::Value,
    pub distance_km: Option<f64>,
    pub status: MatchStatus,
    pub offer_decision: Option<Decision>,
    pub offer_decided_by: Option<AccountId>,
    pub offer_decided_at: Option<DateTime<Utc>>,
    pub need_decision: Option<Decision>,
    pub need_decided_by: Option<AccountId>,
    pub need_decided_at: Option<DateTime<Utc>>,
    pub exchange_id: Option<ExchangeId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Recomputes the matches of `listing`: stores the current ones (once per pair) and
/// withdraws those that no longer hold. Returns the ids of the new matches.
/// Call it inside the transaction that opened or changed the listing.
pub fn refresh(conn: &mut PgConnection, listing: &Listing) -> QueryResult<Vec<MatchId>> {
    let eligible = listing.status == Status::Open
        && listing::enterprise_is_approved(conn, listing.enterprise_id)?;
    if !eligible {
        withdraw_for_listing(conn, listing.id)?;
        return Ok(Vec::new());
    }
    let found = candidates::candidates(conn, listing, Slack::NONE)?;
    let results = candidates::best(candidates::evaluate_all(conn, listing, &found)?);
    let counterparts: Vec<i64> = results
        .iter()
        .map(|(offer, need, _)| {
            if *offer == listing.id {
                need.0
            } else {
                offer.0
            }
        })
        .collect();
    // Matches of this listing that no longer hold are withdrawn (answered ones stay visible
    // as withdrawn; they can come back if the listings change again).
    diesel::sql_query(
        "UPDATE matches SET status = 'withdrawn', updated_at = now()
         WHERE status = 'proposed' AND (offer_id = $1 OR need_id = $1)
           AND (CASE WHEN offer_id = $1 THEN need_id ELSE offer_id END) <> ALL($2)",
    )
    .bind::<BigInt, _>(listing.id.0)
    .bind::<Array<BigInt>, _>(&counterparts)
    .execute(conn)?;
    if results.is_empty() {
        return Ok(Vec::new());
    }
    let offers: Vec<i64> = results.iter().map(|r| r.0 .0).collect();
    let needs: Vec<i64> = results.iter().map(|r| r.1 .0).collect();
    let scores: Vec<i16> = results.iter().map(|r| i16::from(r.2.score)).collect();
    let explanations: Vec<serde_json::Value> = results
        .iter()
        .map(|r| serde_json::to_value(&r.2.factors).unwrap_or_default())
        .collect();
    let distances: Vec<Option<f64>> = results.iter().map(|r| r.2.distance_km).collect();

    #[derive(QueryableByName)]
    struct Upserted {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Bool)]
        fresh: bool,
    }
    // One statement for all pairs. A withdrawn match that holds again is proposed afresh,
    // its old answers cleared; a proposed one keeps its answers and gets the new score.
    let rows: Vec<Upserted> = diesel::sql_query(
        "INSERT INTO matches (offer_id, need_id, score, explanation, distance_km)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::jsonb[], $5::float8[])
         ON CONFLICT (offer_id, need_id) DO UPDATE SET
             score = EXCLUDED.score,
             explanation = EXCLUDED.explanation,
             distance_km = EXCLUDED.distance_km,
             updated_at = now(),
             status = 'proposed',
             offer_decision = CASE WHEN matches.status = 'withdrawn' THEN NULL ELSE matches.offer_decision END,
             offer_decided_by = CASE WHEN matches.status = 'withdrawn' THEN NULL ELSE matches.offer_decided_by END,
             offer_decided_at = CASE WHEN matches.status = 'withdrawn' THEN NULL ELSE matches.offer_decided_at END,
             need_decision = CASE WHEN matches.status = 'withdrawn' THEN NULL ELSE matches.need_decision END,
             need_decided_by = CASE WHEN matches.status = 'withdrawn' THEN NULL ELSE matches.need_decided_by END,
             need_decided_at = CASE WHEN matches.status = 'withdrawn' THEN NULL ELSE matches.need_decided_at END
         WHERE matches.status IN ('proposed', 'withdrawn')
         RETURNING id, (xmax = 0) AS fresh",
    )
    .bind::<Array<BigInt>, _>(&offers)
    .bind::<Array<BigInt>, _>(&needs)
    .bind::<Array<Int2>, _>(&scores)
    .bind::<Array<Jsonb>, _>(&explanations)
    .bind::<Array<Nullable<Float8>>, _>(&distances)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.fresh)
        .map(|r| MatchId(r.id))
        .collect())
}

/// Clears the answers to a listing's open matches, after its terms changed.
pub fn reset_answers(conn: &mut PgConnection, listing: ListingId) -> QueryResult<usize> {
    diesel::update(
        matches::table
            .filter(
                matches::offer_id
                    .eq(listing)
                    .or(matches::need_id.eq(listing)),
            )
            .filter(matches::status.eq(MatchStatus::Proposed)),
    )
    .set((
        matches::offer_decision.eq(None::<Decision>),
        matches::offer_decided_by.eq(None::<AccountId>),
        matches::offer_decided_at.eq(None::<DateTime<Utc>>),
        matches::need_decision.eq(None::<Decision>),
        matches::need_decided_by.eq(None::<AccountId>),
        matches::need_decided_at.eq(None::<DateTime<Utc>>),
        matches::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
}

/// Withdraws the unanswered matches of a listing that closed or expired.
pub fn withdraw_for_listing(conn: &mut PgConnection, listing: ListingId) -> QueryResult<usize> {
    diesel::update(
        matches::table
            .filter(
                matches::offer_id
                    .eq(listing)
                    .or(matches::need_id.eq(listing)),
            )
            .filter(matches::status.eq(MatchStatus::Proposed)),
    )
    .set((
        matches::status.eq(MatchStatus::Withdrawn),
        matches::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
}

pub fn find(conn: &mut PgConnection, id: MatchId) -> QueryResult<Match> {
    matches::table
        .find(id)
        .select(Match::as_select())
        .first(conn)
}

pub fn find_for_update(conn: &mut PgConnection, id: MatchId) -> QueryResult<Match> {
    matches::table
        .find(id)
        .select(Match::as_select())
        .for_no_key_update()
        .first(conn)
}

/// Matches of one listing, best first (withdrawn ones left out).
pub fn of_listing(conn: &mut PgConnection, listing: ListingId) -> QueryResult<Vec<Match>> {
    matches::table
        .filter(
            matches::offer_id
                .eq(listing)
                .or(matches::need_id.eq(listing)),
        )
        .filter(matches::status.ne(MatchStatus::Withdrawn))
        .select(Match::as_select())
        .order((matches::score.desc(), matches::id))
        .load(conn)
}

/// Matches involving any of these listings, best first.
pub fn of_listings(
    conn: &mut PgConnection,
    ids: &[ListingId],
    status: Option<MatchStatus>,
    limit: i64,
) -> QueryResult<Vec<Match>> {
    let mut query = matches::table
        .filter(
            matches::offer_id
                .eq_any(ids)
                .or(matches::need_id.eq_any(ids)),
        )
        .select(Match::as_select())
        .into_boxed();
    query = match status {
        Some(status) => query.filter(matches::status.eq(status)),
        None => query.filter(matches::status.ne(MatchStatus::Withdrawn)),
    };
    query
        .order((matches::score.desc(), matches::id))
        .limit(limit)
        .load(conn)
}

/// Listing ids of the given enterprises.
pub fn listing_ids_of(
    conn: &mut PgConnection,
    enterprises: &[super::ids::EnterpriseId],
) -> QueryResult<Vec<ListingId>> {
    listings::table
        .filter(listings::enterprise_id.eq_any(enterprises))
        .select(listings::id)
        .load(conn)
}

/// Records one side's answer. The caller holds the match row lock.
pub fn record_decision(
    conn: &mut PgConnection,
    id: MatchId,
    side: Kind,
    accepted: bool,
    account: AccountId,
) -> QueryResult<Match> {
    let decision = if accepted {
        Decision::Accepted
    } else {
        Decision::Declined
    };
    let now = Utc::now();
    let query = diesel::update(matches::table.find(id));
    let updated = match side {
        Kind::Offer => query
            .set((
                matches::offer_decision.eq(decision),
                matches::offer_decided_by.eq(account),
                matches::offer_decided_at.eq(now),
                matches::updated_at.eq(now),
            ))
            .returning(Match::as_returning())
            .get_result(conn)?,
        Kind::Need => query
            .set((
                matches::need_decision.eq(decision),
                matches::need_decided_by.eq(account),
                matches::need_decided_at.eq(now),
                matches::updated_at.eq(now),
            ))
            .returning(Match::as_returning())
            .get_result(conn)?,
    };
    if !accepted {
        return diesel::update(matches::table.find(id))
            .set(matches::status.eq(MatchStatus::Declined))
            .returning(Match::as_returning())
            .get_result(conn);
    }
    Ok(updated)
}

pub fn mark_accepted(
    conn: &mut PgConnection,
    id: MatchId,
    exchange: ExchangeId,
) -> QueryResult<Match> {
    diesel::update(matches::table.find(id))
        .set((
            matches::status.eq(MatchStatus::Accepted),
            matches::exchange_id.eq(exchange),
            matches::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Match::as_returning())
        .get_result(conn)
}
