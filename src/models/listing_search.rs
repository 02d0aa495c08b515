//! The search of open listings in SQL: filters, full-text ranking, distance from a
//! commune, keyset pagination; a stranger filters takeovers only by their teaser.

use super::ids::{EnterpriseId, ListingId, PoleId};
use super::listing::Listing;
use crate::domain::listing::{Category, Kind, Material, Status, Visibility};
use crate::schema::listings;
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Float4, Nullable, Text};

/// The key listings are ordered by around a place: their point on the earth (`ll_to_earth`,
/// metres from the earth's centre) with a fourth coordinate of a millionth of a metre per
/// id. Listings of one commune share their point; the fourth coordinate makes each
/// listing's distance to a place unique (and moves it by at most a metre per million ids),
/// so the distance alone is a keyset cursor. Indexed by `listings_nearest_idx`
/// (migration `2026-11-29-000005_nearest_key`), written the same way.
pub const NEAREST_KEY: &str =
    "cube(ll_to_earth(listings.lat, listings.lon), listings.id::float8 * 1e-6)";
/// Filters of `GET /listings`, already checked.
#[derive(Debug, Default, Clone)]
pub struct SearchFilters {
    pub kind: Option<Kind>,
    pub category: Option<Category>,
    pub naf_prefix: Option<String>,
    pub material: Option<Material>,
    /// "03", "03 01" or "03 01 05".
    pub ewc_prefix: Option<String>,
    pub departement: Option<String>,
    pub region: Option<String>,
    /// EPCI (intercommunalité) SIREN code: listings in its communes.
    pub epci: Option<String>,
    /// Centre and radius in km.
    pub near: Option<((f64, f64), f64)>,
    pub text: Option<String>,
    pub pole: Option<PoleId>,
    pub enterprise: Option<EnterpriseId>,
    pub status: Option<Status>,
}

impl SearchFilters {
    /// Filters that would reveal who or where a confidential takeover is, by elimination.
    pub fn narrows_identity(&self) -> bool {
        self.enterprise.is_some()
            || self.pole.is_some()
            || self.near.is_some()
            || self.epci.is_some()
    }
}

/// Where a page starts: after this sort key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cursor {
    Newest {
        listed_at_micros: i64,
        id: i64,
    },
    Relevance {
        rank: f32,
        id: i64,
    },
    /// Around a place: the chord distance of the GiST index's KNN order, in metres.
    Nearest {
        chord: f64,
        id: i64,
    },
}

/// A search by words ranks the newest matches, at most this many: a frequent word matches
/// a good share of a million listings, and ranking them all would cost what reading them
/// all costs. Relevance among the most recent matches is what people look for. Measured at
/// a million listings (BENCHMARKS.md), a word in 2.5 % of them costs about 5 µs per listing
/// read to find its newest matches: 200 keeps the search under 50 ms, 1,000 took 250 ms.
pub const RANKED_WINDOW: i64 = 200;

#[derive(Debug, Clone)]
pub struct SearchHit {
    pub listing: Listing,
    pub enterprise_name: String,
    pub distance_km: Option<f64>,
    pub cursor: Cursor,
}

/// Who is searching: anonymous visitors see public open listings of approved members;
/// signed-in accounts also see members-only ones, and everything of the enterprises they
/// manage.
pub struct Viewer {
    pub signed_in: bool,
    pub managed: Vec<EnterpriseId>,
}

pub fn search(
    conn: &mut PgConnection,
    viewer: &Viewer,
    filters: &SearchFilters,
    after: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<SearchHit>> {
    let mut query = listings::table.into_boxed();
    let status = filters.status.unwrap_or(Status::Open);
    // Written out, not bound, so that the partial indexes on open listings apply to every
    // plan, generic ones included.
    query = match status {
        Status::Open => query.filter(sql::<Bool>("listings.status = 'open'")),
        other => query.filter(listings::status.eq(other.as_str())),
    };

    // Visibility: what anyone may see, or what the viewer manages.
    let approved = sql::<Bool>(
        "EXISTS (SELECT 1 FROM memberships m WHERE m.enterprise_id = listings.enterprise_id AND m.status = 'approved')",
    );
    let visible_to_all: Box<
        dyn BoxableExpression<listings::table, diesel::pg::Pg, SqlType = Bool>,
    > = if status == Status::Open {
        if viewer.signed_in {
            Box::new(approved)
        } else {
            Box::new(approved.and(listings::visibility.eq(Visibility::Public)))
        }
    } else {
        Box::new(sql::<Bool>("false"))
    };
    // The "or the viewer's own" branches are written only for a viewer who manages
    // enterprises: an `OR enterprise_id = ANY('{}')` would keep PostgreSQL from reading the
    // indexes in order (nearest first, newest first) for everybody else.
    let manages = !viewer.managed.is_empty();
    if manages {
        query =
            query.filter(visible_to_all.or(listings::enterprise_id.eq_any(viewer.managed.clone())));
    } else {
        query = query.filter(visible_to_all);
    }

    if filters.narrows_identity() {
        // Takeovers are found by sector and territory only, unless they are the viewer's.
        let not_takeover =
            listings::category.ne(crate::domain::listing::Category::BusinessTakeover);
        if manages {
            query = query
                .filter(not_takeover.or(listings::enterprise_id.eq_any(viewer.managed.clone())));
        } else {
            query = query.filter(not_takeover);
        }
    }
    if let Some(kind) = filters.kind {
        query = query.filter(listings::kind.eq(kind));
    }
    if let Some(category) = filters.category {
        query = query.filter(listings::category.eq(category));
    }
    // A stranger finds a takeover by what its teaser shows, never more precisely: for
    // takeovers not the viewer's, the sector and place filters read the teaser's columns.
    // Written as two index-friendly branches rather than one CASE.
    let managed: Vec<i64> = viewer.managed.iter().map(|e| e.0).collect();
    let teaser_aware = |column: &str,
                        teaser_column: &str,
                        operator: &str,
                        value: String|
     -> Box<
        dyn BoxableExpression<listings::table, diesel::pg::Pg, SqlType = Bool>,
    > {
        let takeover_shown = format!(
            ") OR (listings.category = 'business_takeover' AND listings.{teaser_column} {operator} "
        );
        if manages {
            Box::new(
                sql::<Bool>(&format!("((listings.{column} {operator} "))
                    .bind::<Text, _>(value.clone())
                    .sql(" AND (listings.category <> 'business_takeover' OR listings.enterprise_id = ANY(")
                    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(managed.clone())
                    .sql("))")
                    .sql(&takeover_shown)
                    .bind::<Text, _>(value)
                    .sql("))"),
            )
        } else {
            Box::new(
                sql::<Bool>(&format!("((listings.{column} {operator} "))
                    .bind::<Text, _>(value.clone())
                    .sql(" AND listings.category <> 'business_takeover'")
                    .sql(&takeover_shown)
                    .bind::<Text, _>(value)
                    .sql("))"),
            )
        }
    };
    if let Some(prefix) = &filters.naf_prefix {
        let pattern = format!("{}%", crate::domain::text::escape_like(prefix));
        query = query.filter(teaser_aware("naf_code", "teaser_naf", "LIKE", pattern));
    }
    if let Some(material) = filters.material {
        query = query.filter(listings::material.eq(material));
    }
    if let Some(prefix) = &filters.ewc_prefix {
        let pattern = format!("{}%", crate::domain::text::escape_like(prefix));
        query = query.filter(listings::ewc_code.like(pattern));
    }
    // Where a listing is shown: a takeover where its teaser shows it (the expression of
    // the indexes `listings_shown_departement_idx` and `listings_shown_region_idx`); the
    // viewer's own takeovers also where they really are.
    let shown_at = |column: &str,
                    teaser_column: &str,
                    value: String|
     -> Box<
        dyn BoxableExpression<listings::table, diesel::pg::Pg, SqlType = Bool>,
    > {
        let shown = format!(
            "((CASE WHEN category = 'business_takeover' THEN {teaser_column} ELSE {column} END) = "
        );
        if manages {
            Box::new(
                sql::<Bool>(&shown)
                    .bind::<Text, _>(value.clone())
                    .sql(&format!(" OR (listings.{column} = "))
                    .bind::<Text, _>(value)
                    .sql(" AND listings.enterprise_id = ANY(")
                    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(managed.clone())
                    .sql(")))"),
            )
        } else {
            Box::new(sql::<Bool>(&shown).bind::<Text, _>(value).sql(")"))
        }
    };
    if let Some(departement) = &filters.departement {
        query = query.filter(shown_at(
            "departement_code",
            "teaser_departement",
            departement.clone(),
        ));
    }
    if let Some(region) = &filters.region {
        query = query.filter(shown_at("region_code", "teaser_region", region.clone()));
    }
    if let Some(epci) = &filters.epci {
        query = query.filter(
            sql::<Bool>(
                "listings.commune_code IN (SELECT c.code FROM communes c WHERE c.epci_code = ",
            )
            .bind::<Text, _>(epci.clone())
            .sql(")"),
        );
    }
    if let Some(enterprise) = filters.enterprise {
        query = query.filter(listings::enterprise_id.eq(enterprise));
    }
    if let Some(pole) = filters.pole {
        query = query.filter(
            sql::<Bool>("EXISTS (SELECT 1 FROM memberships pm WHERE pm.enterprise_id = listings.enterprise_id AND pm.status = 'approved' AND pm.pole_id = ")
                .bind::<diesel::sql_types::BigInt, _>(pole.0)
                .sql(")"),
        );
    }
    let distance = match filters.near {
        Some(((lat, lon), radius_km)) => {
            let metres = radius_km * 1000.0;
            // The box is the circle's, widened by a fourth dimension that holds every
            // listing (see `NEAREST_KEY`), so that the index of that key serves both the
            // box and the order.
            query = query.filter(
                sql::<Bool>("listings.lat IS NOT NULL AND cube(earth_box(ll_to_earth(")
                    .bind::<Double, _>(lat)
                    .sql(", ")
                    .bind::<Double, _>(lon)
                    .sql("), ")
                    .bind::<Double, _>(metres)
                    .sql(&format!(
                        "), 0::float8, 1e12::float8) @> {NEAREST_KEY} AND earth_distance(ll_to_earth("
                    ))
                    .bind::<Double, _>(lat)
                    .sql(", ")
                    .bind::<Double, _>(lon)
                    .sql("), ll_to_earth(listings.lat, listings.lon)) <= ")
                    .bind::<Double, _>(metres),
            );
            Some((lat, lon))
        }
        None => None,
    };
    let distance_expr = || -> Box<dyn BoxableExpression<listings::table, diesel::pg::Pg, SqlType = Nullable<Double>>> {
        match distance {
            Some((lat, lon)) => Box::new(
                sql::<Nullable<Double>>("earth_distance(ll_to_earth(")
                    .bind::<Double, _>(lat)
                    .sql(", ")
                    .bind::<Double, _>(lon)
                    .sql("), ll_to_earth(listings.lat, listings.lon)) / 1000.0"),
            ),
            None => Box::new(sql::<Nullable<Double>>("NULL::float8")),
        }
    };

    // Read with each listing rather than by a second query.
    let enterprise_name =
        || sql::<Text>("(SELECT e.name FROM enterprises e WHERE e.id = listings.enterprise_id)");

    if let Some(text) = &filters.text {
        let tsquery = || {
            sql::<Bool>("listings.search @@ websearch_to_tsquery('french_unaccent', ")
                .bind::<Text, _>(text.clone())
                .sql(")")
        };
        let rank = || {
            sql::<Float4>("ts_rank(listings.search, websearch_to_tsquery('french_unaccent', ")
                .bind::<Text, _>(text.clone())
                .sql("))")
        };
        query = query.filter(tsquery()).filter(
            sql::<Bool>(
                "listings.id IN (SELECT w.id FROM listings w WHERE w.status = 'open' AND w.search @@ websearch_to_tsquery('french_unaccent', ",
            )
            .bind::<Text, _>(text.clone())
            .sql(") ORDER BY w.listed_at DESC LIMIT ")
            .bind::<diesel::sql_types::BigInt, _>(RANKED_WINDOW)
            .sql(")"),
        );
        if let Some(Cursor::Relevance {
            rank: after_rank,
            id,
        }) = after
        {
            query = query.filter(
                sql::<Bool>("(ts_rank(listings.search, websearch_to_tsquery('french_unaccent', ")
                    .bind::<Text, _>(text.clone())
                    .sql(")), listings.id) < (")
                    .bind::<Float4, _>(after_rank)
                    .sql(", ")
                    .bind::<diesel::sql_types::BigInt, _>(id)
                    .sql(")"),
            );
        }
        let rows: Vec<(Listing, String, Option<f64>, f32)> = query
            .select((
                Listing::as_select(),
                enterprise_name(),
                distance_expr(),
                rank(),
            ))
            .order((rank().desc(), listings::id.desc()))
            .limit(limit)
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(listing, enterprise_name, distance_km, rank)| SearchHit {
                cursor: Cursor::Relevance {
                    rank,
                    id: listing.id.0,
                },
                listing,
                enterprise_name,
                distance_km,
            })
            .collect())
    } else if let Some((lat, lon)) = distance {
        // Around a place, nearest first: the GiST index of `NEAREST_KEY` returns them in
        // order (KNN) and stops at the page, however many listings the circle holds. The
        // key's distance is unique per listing (see `NEAREST_KEY`), so it alone orders
        // the pages; a tie-breaking `ORDER BY …, id` would make PostgreSQL read and sort the
        // whole circle.
        let chord = || {
            sql::<Double>(&format!("({NEAREST_KEY} <-> cube(ll_to_earth("))
                .bind::<Double, _>(lat)
                .sql(", ")
                .bind::<Double, _>(lon)
                .sql("), 0::float8))")
        };
        if let Some(Cursor::Nearest { chord: after, .. }) = after {
            query = query.filter(
                sql::<Bool>(&format!("({NEAREST_KEY} <-> cube(ll_to_earth("))
                    .bind::<Double, _>(lat)
                    .sql(", ")
                    .bind::<Double, _>(lon)
                    .sql("), 0::float8)) > ")
                    .bind::<Double, _>(after),
            );
        }
        let rows: Vec<(Listing, String, Option<f64>, f64)> = query
            .select((
                Listing::as_select(),
                enterprise_name(),
                distance_expr(),
                chord(),
            ))
            .order(chord().asc())
            .limit(limit)
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(listing, enterprise_name, distance_km, chord)| SearchHit {
                cursor: Cursor::Nearest {
                    chord,
                    id: listing.id.0,
                },
                listing,
                enterprise_name,
                distance_km,
            })
            .collect())
    } else {
        if let Some(Cursor::Newest {
            listed_at_micros,
            id,
        }) = after
        {
            let at = DateTime::<Utc>::from_timestamp_micros(listed_at_micros).unwrap_or_default();
            query = query.filter(
                listings::listed_at.lt(at).or(listings::listed_at
                    .eq(at)
                    .and(listings::id.lt(ListingId(id)))),
            );
        }
        let rows: Vec<(Listing, String, Option<f64>)> = query
            .select((Listing::as_select(), enterprise_name(), distance_expr()))
            .order((listings::listed_at.desc(), listings::id.desc()))
            .limit(limit)
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(listing, enterprise_name, distance_km)| SearchHit {
                cursor: Cursor::Newest {
                    listed_at_micros: listing.listed_at.timestamp_micros(),
                    id: listing.id.0,
                },
                listing,
                enterprise_name,
                distance_km,
            })
            .collect())
    }
}

/// Open public listings per département, for the map of the search page. A takeover counts
/// only where its teaser shows it (its `teaser_departement`), so the map reveals nothing a
/// teaser hides.
pub fn open_per_departement(conn: &mut PgConnection) -> QueryResult<Vec<(String, i64)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        departement: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        listings: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT d AS departement, count(*) AS listings FROM ( \
           SELECT CASE WHEN category = 'business_takeover' THEN teaser_departement \
                       ELSE departement_code END AS d \
           FROM listings WHERE status = 'open' AND visibility = 'public') open \
         WHERE d IS NOT NULL GROUP BY d",
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.departement, r.listings))
        .collect())
}
