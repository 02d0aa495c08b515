//! The search of open listings, for both faces: filters checked once, keyset pagination
//! with an opaque cursor, distances from a commune, and what strangers may filter a
//! confidential takeover by (only what its teaser shows).

use super::access::managed_by;
use crate::auth::Caller;
use crate::domain::listing::{Category, Kind, Material, Status, MAX_RADIUS_KM};
use crate::domain::naf::NafCode;
use crate::domain::territory::DepartementCode;
use crate::domain::Invalid;
use crate::error::{AppResult, FieldErrors};
use crate::models::ids::EnterpriseId;
use crate::models::listing;
use crate::models::listing_search::{self, Cursor, SearchFilters, Viewer};
use crate::models::{pole, reference as reference_model};
use crate::views::listings::{Disclosure, ListingPage, ListingView};
use base64::Engine;
use diesel::PgConnection;

/// The filters of a search as received: text, checked here once for both faces.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub kind: Option<String>,
    pub category: Option<String>,
    pub naf: Option<String>,
    pub material: Option<String>,
    pub ewc: Option<String>,
    pub departement: Option<String>,
    pub region: Option<String>,
    pub epci: Option<String>,
    /// INSEE code of a commune.
    pub near: Option<String>,
    pub radius_km: Option<String>,
    pub q: Option<String>,
    pub pole: Option<String>,
    pub enterprise: Option<String>,
    pub status: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

fn named<T: crate::domain::Named>(
    errors: &mut FieldErrors,
    field: &str,
    value: &Option<String>,
) -> Option<T> {
    let value = value.as_deref().filter(|v| !v.is_empty())?;
    match T::parse(value) {
        Some(parsed) => Some(parsed),
        None => {
            errors.add(field, Invalid::new("invalid_value").with("value", value));
            None
        }
    }
}

fn encode_cursor(cursor: Cursor) -> String {
    let text = match cursor {
        Cursor::Newest {
            listed_at_micros,
            id,
        } => format!("n:{listed_at_micros}:{id}"),
        Cursor::Relevance { rank, id } => format!("r:{}:{id}", rank.to_bits()),
        Cursor::Nearest { chord, id } => format!("d:{}:{id}", chord.to_bits()),
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn decode_cursor(text: &str) -> Option<Cursor> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.split(':');
    let (kind, key, id) = (parts.next()?, parts.next()?, parts.next()?.parse().ok()?);
    match kind {
        "n" => Some(Cursor::Newest {
            listed_at_micros: key.parse().ok()?,
            id,
        }),
        "d" => Some(Cursor::Nearest {
            chord: f64::from_bits(key.parse().ok()?),
            id,
        }),
        "r" => Some(Cursor::Relevance {
            rank: f32::from_bits(key.parse().ok()?),
            id,
        }),
        _ => None,
    }
}

/// Searches listings, keyset paginated: newest first; nearest first around a place
/// (`near`); by relevance among the newest matches when `q` is given.
/// Anonymous visitors see public open listings of approved members; signed-in accounts
/// also members-only ones and everything of the enterprises they manage. Takeovers are
/// found by what their teaser shows, never by the enterprise, pôle or place around them.
pub fn search(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    query: SearchQuery,
) -> AppResult<ListingPage> {
    let mut errors = FieldErrors::new();
    let kind: Option<Kind> = named(&mut errors, "kind", &query.kind);
    let category: Option<Category> = named(&mut errors, "category", &query.category);
    let status: Option<Status> = named(&mut errors, "status", &query.status);
    let naf_prefix = query
        .naf
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|n| {
            errors
                .check("naf", NafCode::parse(n))
                .map(|c| c.as_str().to_string())
        });
    let material: Option<Material> = named(&mut errors, "material", &query.material);
    let ewc_prefix = query
        .ewc
        .as_deref()
        .map(|e| {
            e.chars()
                .filter(|c| !c.is_whitespace() && *c != '*')
                .collect::<String>()
        })
        .filter(|e| !e.is_empty())
        .and_then(|digits| {
            if digits.len() > 6
                || digits.len() % 2 == 1
                || !digits.chars().all(|c| c.is_ascii_digit())
            {
                errors.add("ewc", Invalid::new("ewc_format"));
                return None;
            }
            let pairs: Vec<&str> = (0..digits.len())
                .step_by(2)
                .map(|i| &digits[i..i + 2])
                .collect();
            Some(pairs.join(" "))
        });
    let departement = query
        .departement
        .as_deref()
        .filter(|d| !d.is_empty())
        .and_then(|d| errors.check("departement", DepartementCode::parse(d)));
    let region = query.region.clone().filter(|r| !r.is_empty());
    if region
        .as_ref()
        .is_some_and(|r| r.len() > 3 || !r.chars().all(|c| c.is_ascii_digit()))
    {
        errors.add("region", Invalid::new("region_format"));
    }
    let epci = query.epci.clone().filter(|e| !e.is_empty());
    if epci
        .as_ref()
        .is_some_and(|e| e.len() != 9 || !e.chars().all(|c| c.is_ascii_digit()))
    {
        errors.add("epci", Invalid::new("epci_format"));
    }
    let radius_km = match &query.radius_km {
        Some(text) if !text.is_empty() => match text.parse::<f64>() {
            Ok(km) if (1.0..=f64::from(MAX_RADIUS_KM)).contains(&km) => km,
            _ => {
                errors.add(
                    "radius_km",
                    Invalid::new("radius_range").with("max", MAX_RADIUS_KM),
                );
                50.0
            }
        },
        _ => 50.0,
    };
    let enterprise = query
        .enterprise
        .as_deref()
        .filter(|e| !e.is_empty())
        .and_then(|e| match e.parse::<i64>() {
            Ok(id) => Some(EnterpriseId(id)),
            Err(_) => {
                errors.add("enterprise", Invalid::new("invalid_value").with("value", e));
                None
            }
        });
    let limit = match &query.limit {
        Some(text) if !text.is_empty() => match text.parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                errors.add("limit", Invalid::new("limit_range"));
                20
            }
        },
        _ => 20,
    };
    let text = query
        .q
        .clone()
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|q| q.chars().count() > 200) {
        errors.add("q", Invalid::new("too_long").with("max", 200));
    }
    let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(encoded) => match decode_cursor(encoded) {
            Some(cursor @ Cursor::Relevance { .. }) if text.is_some() => Some(cursor),
            Some(cursor @ Cursor::Nearest { .. })
                if text.is_none() && query.near.as_deref().is_some_and(|n| !n.is_empty()) =>
            {
                Some(cursor)
            }
            Some(cursor @ Cursor::Newest { .. })
                if text.is_none() && query.near.as_deref().is_none_or(str::is_empty) =>
            {
                Some(cursor)
            }
            _ => {
                errors.add("cursor", Invalid::new("invalid_cursor"));
                None
            }
        },
        None => None,
    };
    let near = match query.near.as_deref().filter(|n| !n.is_empty()) {
        Some(code) => match errors.check("near", super::reference::locate(conn, code)?) {
            Some(commune) => match commune.point {
                Some(point) => Some((point, radius_km)),
                None => {
                    errors.add("near", Invalid::new("no_coordinates"));
                    None
                }
            },
            None => None,
        },
        None => None,
    };
    let pole = match query.pole.as_deref().filter(|p| !p.is_empty()) {
        Some(slug) => match pole::find_by_slug(conn, slug) {
            Ok(found) => Some(found.id),
            Err(diesel::result::Error::NotFound) => {
                errors.add("pole", Invalid::new("unknown_pole").with("slug", slug));
                None
            }
            Err(other) => return Err(other.into()),
        },
        None => None,
    };
    if let Some(code) = &epci {
        if !reference_model::epci_exists(conn, code)? {
            errors.add("epci", Invalid::new("unknown_epci").with("code", code));
        }
    }
    errors.finish()?;
    let managed = managed_by(conn, caller)?;
    let viewer = Viewer {
        signed_in: caller.is_some(),
        managed: managed.clone(),
    };
    let filters = SearchFilters {
        kind,
        category,
        naf_prefix,
        material,
        ewc_prefix,
        departement: departement.map(|d| d.as_str().to_string()),
        region,
        epci,
        near,
        text,
        pole,
        enterprise,
        status,
    };
    let hits = listing_search::search(conn, &viewer, &filters, after, limit + 1)?;
    let has_more = hits.len() as i64 > limit;
    let hits: Vec<_> = hits.into_iter().take(limit as usize).collect();
    let next_cursor = if has_more {
        hits.last().map(|h| encode_cursor(h.cursor))
    } else {
        None
    };
    let mut items = Vec::with_capacity(hits.len());
    for hit in hits {
        let disclosure = if managed.contains(&hit.listing.enterprise_id) {
            Disclosure::Full
        } else if hit.listing.category == Category::BusinessTakeover
            && !listing::has_accepted_counterpart(conn, hit.listing.id, &managed)?
        {
            Disclosure::Teaser
        } else {
            Disclosure::Full
        };
        let mut view = ListingView::new(hit.listing, Some(hit.enterprise_name), disclosure);
        if disclosure == Disclosure::Full {
            view.distance_km = hit.distance_km.map(|d| (d * 10.0).round() / 10.0);
        }
        items.push(view);
    }
    Ok(ListingPage { items, next_cursor })
}
