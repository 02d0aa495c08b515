//! Matches between offers and needs: seeing them (best first, explained in the reader's
//! language), answering them, and the one exchange created when both sides agree.

use diesel::{Connection, PgConnection};

use super::access::{disclosure_for, managed_by};
use super::Env;
use crate::auth::Caller;
use crate::domain::listing::{Category, Kind, Status};
use crate::domain::matching::{near_miss, Decision, FactorKind, MatchStatus};
use crate::domain::{Arg, Invalid};
use crate::email::events;
use crate::error::{AppError, AppResult};
use crate::i18n::{words, Words};
use crate::models::candidates::{self, Slack};
use crate::models::exchange;
use crate::models::ids::{EnterpriseId, ListingId, MatchId};
use crate::models::listing::{self, Listing};
use crate::models::matching::{self, Match};
use crate::views::listings::{Disclosure, ListingView};
use crate::views::matches::{explanation, DecisionView, MatchList, MatchView, NearMissView};

/// Views of matches for a reader who manages `managed`: each with the listing on the other
/// side, when the reader may see it. Facing a takeover's teaser, the reader learns the
/// sector and the score, not the price, quantity or distance that would point at it.
pub fn match_views(
    conn: &mut PgConnection,
    rows: Vec<Match>,
    managed: &[EnterpriseId],
    words: Words,
) -> AppResult<Vec<MatchView>> {
    let ids: Vec<ListingId> = rows.iter().flat_map(|m| [m.offer_id, m.need_id]).collect();
    let listings = listing::find_many(conn, &ids)?;
    let names = crate::models::enterprise::names(
        conn,
        &listings.iter().map(|l| l.enterprise_id).collect::<Vec<_>>(),
    )?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let offer = listings.iter().find(|l| l.id == row.offer_id);
        let need = listings.iter().find(|l| l.id == row.need_id);
        let counterpart = match (offer, need) {
            (Some(offer), Some(need))
                if managed.contains(&need.enterprise_id)
                    && !managed.contains(&offer.enterprise_id) =>
            {
                Some(offer)
            }
            (Some(offer), Some(need))
                if managed.contains(&offer.enterprise_id)
                    && !managed.contains(&need.enterprise_id) =>
            {
                Some(need)
            }
            _ => None,
        };
        let counterpart = counterpart.map(|other| {
            let disclosure = if other.category == Category::BusinessTakeover
                && row.status != MatchStatus::Accepted
            {
                Disclosure::Teaser
            } else {
                Disclosure::Full
            };
            let name = names.get(&other.enterprise_id).cloned();
            ListingView::new(other.clone(), name, disclosure)
        });
        let teaser = counterpart.as_ref().is_some_and(|c| c.teaser);
        let mut factors = explanation(&row.explanation, words);
        if teaser {
            factors.retain(|f| matches!(f.factor, FactorKind::Sector | FactorKind::Dates));
        }
        views.push(MatchView {
            conversation_id: crate::domain::conversation::Subject::Match(row.id.0).id(),
            id: row.id,
            offer_id: row.offer_id,
            need_id: row.need_id,
            score: row.score,
            explanation: factors,
            distance_km: if teaser {
                None
            } else {
                row.distance_km.map(|d| (d * 10.0).round() / 10.0)
            },
            status: row.status,
            offer_decision: row.offer_decision,
            need_decision: row.need_decision,
            exchange_id: row.exchange_id,
            counterpart,
        });
    }
    Ok(views)
}

/// The matches of a listing, best first, explained (its enterprise's accounts and its
/// pôles' coordinators; 403 `not_listing_manager` for others who may see the listing).
pub fn of_listing(conn: &mut PgConnection, caller: &Caller, id: ListingId) -> AppResult<MatchList> {
    let found = listing::find(conn, id)?;
    let managed = managed_by(conn, Some(caller))?;
    if !managed.contains(&found.enterprise_id) {
        return match disclosure_for(conn, Some(caller), &managed, &found)? {
            Some(_) => Err(AppError::forbidden("not_listing_manager")),
            None => Err(AppError::NotFound),
        };
    }
    let rows = matching::of_listing(conn, id)?;
    let words = words(caller.locale());
    Ok(MatchList {
        items: match_views(conn, rows, &managed, words)?,
        near_misses: Some(near_misses(conn, &found, words)?),
    })
}

/// How many near misses an owner sees.
const NEAR_MISSES: usize = 5;

/// The closest listings that fail exactly one rule an owner can act on, and what would
/// make them match, said to the owner ("à 12 km au-delà de votre rayon de 50 km"). Facing a
/// confidential takeover, only which rule: neither its place nor its price.
fn near_misses(
    conn: &mut PgConnection,
    found: &Listing,
    words: Words,
) -> AppResult<Vec<NearMissView>> {
    if found.status != Status::Open {
        return Ok(Vec::new());
    }
    let slack = Slack::near_misses(found.radius_km.unwrap_or(100));
    let read = candidates::candidates(conn, found, slack)?;
    let verdicts = candidates::evaluate_all(conn, found, &read)?;
    let mut views = Vec::new();
    for (offer, need, verdict) in verdicts {
        let Err(misses) = verdict else { continue };
        let Some(miss) = near_miss(&misses) else {
            continue;
        };
        let other_id = if offer == found.id { need } else { offer };
        let Some(other) = read.iter().find(|c| c.id == other_id) else {
            continue;
        };
        let teaser = other.category == Category::BusinessTakeover;
        let detail = if teaser {
            words.t(&format!("miss-{}-vague", miss.rule.as_str()))
        } else {
            let whose = match miss.arg("side") {
                Some(Arg::Text(side)) if side == found.kind.as_str() => "yours",
                _ => "theirs",
            };
            let mut args = miss.args.clone();
            args.push(("whose".to_string(), Arg::from(whose)));
            words.t_args(&miss.key, &args)
        };
        views.push(NearMissView {
            listing_id: other_id,
            title: other.title.clone(),
            rule: miss.rule,
            detail,
        });
        if views.len() == NEAR_MISSES {
            break;
        }
    }
    Ok(views)
}

/// Matches involving the enterprises the caller acts for or coordinates, best first;
/// by default all but the withdrawn ones.
pub fn mine(
    conn: &mut PgConnection,
    caller: &Caller,
    status: Option<&str>,
    limit: i64,
) -> AppResult<MatchList> {
    let status = match status.filter(|s| !s.is_empty()) {
        Some(text) => Some(MatchStatus::parse(text).ok_or_else(|| {
            AppError::invalid_field("status", Invalid::new("invalid_value").with("value", text))
        })?),
        None => None,
    };
    let managed = managed_by(conn, Some(caller))?;
    let ids = matching::listing_ids_of(conn, &managed)?;
    let rows = matching::of_listings(conn, &ids, status, limit.clamp(1, 200))?;
    Ok(MatchList {
        items: match_views(conn, rows, &managed, words(caller.locale()))?,
        near_misses: None,
    })
}

/// Answers a match for one side (`side` is needed only when the caller manages both).
/// The same answer again changes nothing. When both sides have accepted, exactly one
/// exchange is created, committing no more than the offer has left. Locks in one order
/// everywhere, the offer then the match: two accepts at the same instant see each other.
/// 409 `match_already_decided`, `listing_not_open`.
pub fn decide(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: MatchId,
    side: Option<Kind>,
    accepted: bool,
) -> AppResult<DecisionView> {
    let words = words(caller.locale());
    conn.transaction(|conn| {
        let offer_id = matching::find(conn, id)?.offer_id;
        let offer = listing::find_for_update(conn, offer_id)?;
        let found = matching::find_for_update(conn, id)?;
        let need = listing::find(conn, found.need_id)?;
        let managed = managed_by(conn, Some(caller))?;
        let (manages_offer, manages_need) = (
            managed.contains(&offer.enterprise_id),
            managed.contains(&need.enterprise_id),
        );
        let side = match (side, manages_offer, manages_need) {
            (Some(Kind::Offer), true, _) => Kind::Offer,
            (Some(Kind::Need), _, true) => Kind::Need,
            (None, true, false) => Kind::Offer,
            (None, false, true) => Kind::Need,
            (None, true, true) => {
                return Err(AppError::invalid_field("side", Invalid::new("required")))
            }
            (_, false, false) => {
                return if disclosure_for(conn, Some(caller), &managed, &offer)?.is_some()
                    || disclosure_for(conn, Some(caller), &managed, &need)?.is_some()
                {
                    Err(AppError::forbidden("not_your_side"))
                } else {
                    Err(AppError::NotFound)
                };
            }
            (Some(_), _, _) => return Err(AppError::forbidden("not_your_side")),
        };
        let previous = match side {
            Kind::Offer => found.offer_decision,
            Kind::Need => found.need_decision,
        };
        let wanted = if accepted {
            Decision::Accepted
        } else {
            Decision::Declined
        };
        if previous == Some(wanted) {
            let views = match_views(conn, vec![found.clone()], &managed, words)?;
            return Ok(DecisionView {
                exchange_id: found.exchange_id,
                found: views.into_iter().next().expect("one view"),
            });
        }
        if found.status != MatchStatus::Proposed {
            return Err(AppError::Conflict(
                crate::error::Refusal::new("match_already_decided")
                    .with("status", found.status.as_str()),
            ));
        }
        if offer.status != Status::Open || need.status != Status::Open {
            return Err(AppError::conflict("listing_not_open"));
        }
        let mut updated = matching::record_decision(conn, id, side, accepted, caller.id())?;
        events::match_answered(conn, &env.links, &updated, side, accepted)?;
        let mut exchange_id = None;
        if updated.offer_decision == Some(Decision::Accepted)
            && updated.need_decision == Some(Decision::Accepted)
        {
            let created = exchange::create_from_match(conn, &updated, caller.id())?;
            events::exchange_created(conn, &env.links, &created)?;
            exchange_id = Some(created.id);
            updated = matching::find(conn, id)?;
        }
        let views = match_views(conn, vec![updated], &managed, words)?;
        Ok(DecisionView {
            found: views.into_iter().next().expect("one view"),
            exchange_id,
        })
    })
}
