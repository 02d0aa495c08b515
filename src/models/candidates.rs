//! Finding what a listing could match: open listings of the opposite kind and the same
//! category that exchange the same thing (the `match_key`: a material, a kind of resource,
//! or a NAF division) within reach, read through the GiST matching index nearest first;
//! for trades (know-how, relocated production, takeovers), also the nearest listings of
//! other divisions, which match when their words agree. The rules themselves are
//! `domain::matching::evaluate`.

use std::collections::HashMap;

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Integer};

use super::ids::ListingId;
use super::listing::{Listing, MatchFacts};
use crate::domain::listing::{Category, Kind, Status, MAX_RADIUS_KM};
use crate::domain::matching::{common_code, evaluate, Evaluation, Labels, Miss, What};
use crate::schema::{ewc_codes, listings, naf_codes};

/// At most this many matches are kept per publication, best first: enough to choose from,
/// and a bounded amount of work whatever the size of the market.
pub const MATCHES_PER_LISTING: usize = 50;
/// Candidates read per publication for the same key, nearest first (the GiST index returns
/// them in order of distance): bounded work whatever the density of the market.
const CANDIDATE_LIMIT: i64 = 300;
/// Candidates of other divisions read for a trade, nearest first.
const ACROSS_LIMIT: i64 = 100;

/// How far beyond the radii to read: 0 for matches; more to find near misses.
#[derive(Debug, Clone, Copy)]
pub struct Slack {
    pub extra_km: i32,
}

impl Slack {
    pub const NONE: Slack = Slack { extra_km: 0 };
    /// Near misses: up to half a radius (at least 20 km) beyond.
    pub fn near_misses(radius_km: i32) -> Slack {
        Slack {
            extra_km: (radius_km / 2).max(20),
        }
    }
}

/// Listings that could match `listing` (see the module's words).
pub fn candidates(
    conn: &mut PgConnection,
    listing: &Listing,
    slack: Slack,
) -> QueryResult<Vec<MatchFacts>> {
    let key = listing.match_key.clone().unwrap_or_default();
    let base = || {
        listings::table
            .filter(listings::status.eq(Status::Open))
            .filter(listings::category.eq(listing.category))
            .filter(listings::kind.eq(listing.kind.opposite()))
            .filter(listings::enterprise_id.ne(listing.enterprise_id))
            .filter(sql::<Bool>(
                "EXISTS (SELECT 1 FROM memberships m WHERE m.enterprise_id = listings.enterprise_id AND m.status = 'approved')",
            ))
            .select(MatchFacts::as_select())
            .into_boxed()
    };
    let mut found: Vec<MatchFacts> = base()
        .filter(listings::match_key.eq(&key))
        .filter(listings::national.eq(true))
        .order(listings::listed_at.desc())
        .limit(CANDIDATE_LIMIT)
        .load(conn)?;
    let trade = listing.category != Category::LocalResource;
    if trade {
        found.extend(
            base()
                .filter(listings::match_key.ne(&key))
                .filter(listings::national.eq(true))
                .order(listings::listed_at.desc())
                .limit(ACROSS_LIMIT)
                .load(conn)?,
        );
    }
    let Some((lat, lon)) = listing.point() else {
        return Ok(found);
    };
    // The other side's own radius is at most MAX_RADIUS_KM: a box of that size (or of our
    // radius, when smaller) holds every candidate that could reach us.
    let box_km = match (listing.national, listing.radius_km) {
        (false, Some(km)) => km.min(MAX_RADIUS_KM),
        _ => MAX_RADIUS_KM,
    } + slack.extra_km;
    // The box comes from the index; the exact distance, within the candidate's own radius
    // as well, is checked on the rows it returns.
    let within = || {
        sql::<Bool>("listings.lat IS NOT NULL AND earth_box(ll_to_earth(")
            .bind::<Double, _>(lat)
            .sql(", ")
            .bind::<Double, _>(lon)
            .sql("), ")
            .bind::<Double, _>(f64::from(box_km) * 1000.0)
            .sql(") @> ll_to_earth(listings.lat, listings.lon) AND earth_distance(ll_to_earth(")
            .bind::<Double, _>(lat)
            .sql(", ")
            .bind::<Double, _>(lon)
            .sql("), ll_to_earth(listings.lat, listings.lon)) <= 1000.0 * (least(listings.radius_km, ")
            .bind::<Integer, _>(box_km)
            .sql(") + ")
            .bind::<Integer, _>(slack.extra_km)
            .sql(")")
    };
    let nearest = || {
        sql::<Double>("ll_to_earth(listings.lat, listings.lon) <-> ll_to_earth(")
            .bind::<Double, _>(lat)
            .sql(", ")
            .bind::<Double, _>(lon)
            .sql(")")
    };
    found.extend(
        base()
            .filter(listings::match_key.eq(&key))
            .filter(listings::national.eq(false))
            .filter(within())
            .order(nearest())
            .limit(CANDIDATE_LIMIT)
            .load(conn)?,
    );
    if trade {
        found.extend(
            base()
                .filter(listings::match_key.ne(&key))
                .filter(listings::national.eq(false))
                .filter(within())
                .order(nearest())
                .limit(ACROSS_LIMIT)
                .load(conn)?,
        );
    }
    Ok(found)
}

/// The labels explanations quote: NAF codes (French, as INSEE publishes them), EWC codes
/// in French and English.
#[derive(Debug, Default)]
struct LabelBook {
    naf: HashMap<String, String>,
    ewc: HashMap<String, (String, String)>,
}

impl LabelBook {
    fn read(conn: &mut PgConnection, naf: Vec<String>, ewc: Vec<String>) -> QueryResult<Self> {
        Ok(LabelBook {
            naf: naf_codes::table
                .filter(naf_codes::code.eq_any(naf))
                .select((naf_codes::code, naf_codes::label))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect(),
            ewc: ewc_codes::table
                .filter(ewc_codes::code.eq_any(ewc))
                .select((ewc_codes::code, ewc_codes::label_fr, ewc_codes::label_en))
                .load::<(String, String, String)>(conn)?
                .into_iter()
                .map(|(code, fr, en)| (code, (fr, en)))
                .collect(),
        })
    }
}

/// A candidate's verdict: `(offer, need, the match or the rules it fails)`.
pub type Verdict = (ListingId, ListingId, Result<Evaluation, Vec<Miss>>);

/// Evaluates `listing` against its candidates, each pair once.
pub fn evaluate_all(
    conn: &mut PgConnection,
    listing: &Listing,
    candidates: &[MatchFacts],
) -> QueryResult<Vec<Verdict>> {
    let Some(me) = listing.side() else {
        return Ok(Vec::new());
    };
    let others: Vec<_> = {
        let mut seen = std::collections::HashSet::new();
        candidates
            .iter()
            .filter(|c| seen.insert(c.id))
            .filter_map(|c| c.side().map(|side| (c.id, side)))
            .collect()
    };
    let naf: Vec<String> = others
        .iter()
        .filter_map(|(_, side)| common_code(&me.naf, &side.naf))
        .collect();
    let ewc: Vec<String> = std::iter::once(&me)
        .chain(others.iter().map(|(_, side)| side))
        .filter_map(|side| match &side.what {
            What::Matter {
                ewc: Some(code), ..
            } => Some(code.as_str().to_string()),
            _ => None,
        })
        .collect();
    let book = LabelBook::read(conn, naf, ewc)?;
    let mut verdicts = Vec::with_capacity(others.len());
    for (id, other) in &others {
        let (offer, need, offer_id, need_id) = match listing.kind {
            Kind::Offer => (&me, other, listing.id, *id),
            Kind::Need => (other, &me, *id, listing.id),
        };
        if offer
            .quantity
            .is_some_and(|(q, _)| q <= rust_decimal::Decimal::ZERO)
        {
            continue;
        }
        let sector = common_code(&offer.naf, &need.naf).and_then(|c| book.naf.get(&c));
        let ewc = match (&offer.what, &need.what) {
            (
                What::Matter {
                    ewc: Some(code), ..
                },
                _,
            )
            | (
                _,
                What::Matter {
                    ewc: Some(code), ..
                },
            ) => book.ewc.get(code.as_str()),
            _ => None,
        };
        let labels = Labels {
            sector: sector.map(String::as_str),
            ewc_fr: ewc.map(|(fr, _)| fr.as_str()),
            ewc_en: ewc.map(|(_, en)| en.as_str()),
        };
        verdicts.push((offer_id, need_id, evaluate(offer, need, labels)));
    }
    Ok(verdicts)
}

/// The matches among the verdicts, best first, at most [`MATCHES_PER_LISTING`].
pub fn best(verdicts: Vec<Verdict>) -> Vec<(ListingId, ListingId, Evaluation)> {
    let mut found: Vec<_> = verdicts
        .into_iter()
        .filter_map(|(offer, need, verdict)| verdict.ok().map(|e| (offer, need, e)))
        .collect();
    found.sort_by(|a, b| {
        b.2.score
            .cmp(&a.2.score)
            .then(a.0.cmp(&b.0))
            .then(a.1.cmp(&b.1))
    });
    found.truncate(MATCHES_PER_LISTING);
    found
}
