//! The know-how library: methods, tools, case studies, visit reports, templates; their
//! French full-text search (the `french_unaccent` configuration of the listings: stemmed,
//! accents ignored), and the links from know-how listings.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::ids::{AccountId, ListingId, PoleId, ResourceId, VisitId};
use crate::domain::visit::{ResourceKind, ResourceVisibility};
use crate::schema::{listing_resources, resources};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = resources)]
pub struct Resource {
    pub id: ResourceId,
    pub title: String,
    pub summary: String,
    pub kind: ResourceKind,
    /// Visit themes (`governance`, …) by name.
    pub themes: Vec<String>,
    /// NAF code (any level: section letter excluded, `16`, `16.1`, `16.10A`).
    pub naf_code: Option<String>,
    pub pole_id: Option<PoleId>,
    pub visit_id: Option<VisitId>,
    /// A visit report's lessons and next steps (empty for other kinds).
    pub lessons: String,
    pub next_steps: String,
    /// SPDX licence identifier.
    pub licence: String,
    pub visibility: ResourceVisibility,
    pub url: Option<String>,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = resources)]
pub struct NewResource {
    pub title: String,
    pub summary: String,
    pub kind: ResourceKind,
    pub themes: Vec<String>,
    pub naf_code: Option<String>,
    pub pole_id: Option<PoleId>,
    pub visit_id: Option<VisitId>,
    pub lessons: String,
    pub next_steps: String,
    pub licence: String,
    pub visibility: ResourceVisibility,
    pub url: Option<String>,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
}

/// Records a resource; `None` when it is a second report of the same visit.
pub fn insert(conn: &mut PgConnection, new: &NewResource) -> QueryResult<Option<Resource>> {
    diesel::insert_into(resources::table)
        .values(new)
        .on_conflict_do_nothing()
        .returning(Resource::as_returning())
        .get_result(conn)
        .optional()
}

pub fn find(conn: &mut PgConnection, id: ResourceId) -> QueryResult<Resource> {
    resources::table
        .find(id)
        .select(Resource::as_select())
        .first(conn)
}

/// The report of a visit, if written.
pub fn report_of(conn: &mut PgConnection, visit: VisitId) -> QueryResult<Option<Resource>> {
    resources::table
        .filter(resources::visit_id.eq(visit))
        .filter(resources::kind.eq(ResourceKind::VisitReport))
        .select(Resource::as_select())
        .first(conn)
        .optional()
}

/// Filters of the library.
#[derive(Debug, Default, Clone)]
pub struct ResourceFilter {
    /// French words, stemmed and unaccented (`websearch_to_tsquery`: quotes, `or`, `-`).
    pub q: Option<String>,
    pub theme: Option<String>,
    pub kind: Option<ResourceKind>,
    pub pole: Option<PoleId>,
    /// NAF prefix: resources whose NAF code starts with it.
    pub naf: Option<String>,
    /// Members' resources too (a signed-in caller).
    pub members: bool,
    /// Keyset: resources older than this (created_at, id).
    pub before: Option<(DateTime<Utc>, i64)>,
}

/// Resources newest first (best first within a text search is left to the words: every
/// result holds them all), at most `limit`.
pub fn search(
    conn: &mut PgConnection,
    filter: &ResourceFilter,
    limit: i64,
) -> QueryResult<Vec<Resource>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    let mut query = resources::table.select(Resource::as_select()).into_boxed();
    if !filter.members {
        query = query.filter(resources::visibility.eq(ResourceVisibility::Public));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        query = query.filter(
            sql::<Bool>("search @@ websearch_to_tsquery('french_unaccent', ")
                .bind::<Text, _>(q.to_string())
                .sql(")"),
        );
    }
    if let Some(theme) = &filter.theme {
        query = query.filter(
            sql::<Bool>("")
                .bind::<Text, _>(theme.clone())
                .sql(" = ANY(themes)"),
        );
    }
    if let Some(kind) = filter.kind {
        query = query.filter(resources::kind.eq(kind));
    }
    if let Some(pole) = filter.pole {
        query = query.filter(resources::pole_id.eq(pole));
    }
    if let Some(naf) = &filter.naf {
        query = query.filter(resources::naf_code.like(format!("{naf}%")));
    }
    if let Some((at, id)) = filter.before {
        query = query.filter(
            resources::created_at
                .lt(at)
                .or(resources::created_at.eq(at).and(resources::id.lt(id))),
        );
    }
    query
        .order((resources::created_at.desc(), resources::id.desc()))
        .limit(limit)
        .load(conn)
}

/// Resources a pôle published in [from, to).
pub fn published_count(
    conn: &mut PgConnection,
    pole: PoleId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<i64> {
    resources::table
        .filter(resources::pole_id.eq(pole))
        .filter(resources::created_at.ge(from))
        .filter(resources::created_at.lt(to))
        .count()
        .get_result(conn)
}

/// The resources a listing teaches from, by title.
pub fn of_listing(conn: &mut PgConnection, listing: ListingId) -> QueryResult<Vec<Resource>> {
    listing_resources::table
        .inner_join(resources::table)
        .filter(listing_resources::listing_id.eq(listing))
        .select(Resource::as_select())
        .order(resources::title.asc())
        .load(conn)
}

/// Replaces the resources a listing links.
pub fn link_to_listing(
    conn: &mut PgConnection,
    listing: ListingId,
    ids: &[ResourceId],
) -> QueryResult<()> {
    diesel::delete(listing_resources::table.filter(listing_resources::listing_id.eq(listing)))
        .execute(conn)?;
    let rows: Vec<_> = ids
        .iter()
        .map(|id| {
            (
                listing_resources::listing_id.eq(listing),
                listing_resources::resource_id.eq(*id),
            )
        })
        .collect();
    diesel::insert_into(listing_resources::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// The listings linking a resource, as ids.
pub fn listings_linking(conn: &mut PgConnection, id: ResourceId) -> QueryResult<Vec<ListingId>> {
    listing_resources::table
        .filter(listing_resources::resource_id.eq(id))
        .select(listing_resources::listing_id)
        .load(conn)
}
