//! Listings: their rows, writes, access rules and search.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::domain::enterprise::MembershipStatus;
use diesel::sql_types::Bool;
use rust_decimal::Decimal;

use super::ids::{AccountId, EnterpriseId, ListingId, PoleId};
use crate::domain::listing::{
    Category, CloseReason, EwcCode, Kind, Material, Period, ResourceType, Status, Visibility,
};
use crate::domain::matching::{Reach, Side, What};
use crate::domain::naf::NafCode;
use crate::domain::units::Unit;
use crate::domain::words::Words;
use crate::schema::{enterprise_accounts, listings, memberships, pole_coordinators};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = listings)]
pub struct Listing {
    pub id: ListingId,
    pub enterprise_id: EnterpriseId,
    pub kind: Kind,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub naf_code: String,
    pub naf_division: String,
    pub commune_code: String,
    pub departement_code: String,
    pub region_code: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub radius_km: Option<i32>,
    pub national: bool,
    pub quantity: Option<Decimal>,
    pub quantity_committed: Decimal,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub details: serde_json::Value,
    pub visibility: Visibility,
    pub status: Status,
    pub close_reason: Option<CloseReason>,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub listed_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// What the public teaser of a takeover shows (see `domain::takeover`).
    pub teaser_naf: Option<String>,
    pub teaser_departement: Option<String>,
    pub teaser_region: Option<String>,
    pub teaser_headcount_band: bool,
    /// A recurring quantity is per this period.
    pub period: Option<Period>,
    /// From `details`: what a material or by-product is made of, and its EWC code.
    pub material: Option<Material>,
    pub ewc_code: Option<String>,
    /// What matching finds candidates by (`material:wood`, `resource:equipment`,
    /// `naf:16`), computed by the database from the category and details.
    pub match_key: Option<String>,
}

impl Listing {
    /// What an offer still has to give, or a need still wants (its quantity less what
    /// exchanges took).
    pub fn remaining(&self) -> Option<Decimal> {
        self.quantity.map(|q| q - self.quantity_committed)
    }

    pub fn point(&self) -> Option<(f64, f64)> {
        self.lat.zip(self.lon)
    }

    /// The listing as the matching rules see it.
    pub fn side(&self) -> Option<Side> {
        MatchFacts {
            id: self.id,
            kind: self.kind,
            category: self.category,
            title: self.title.clone(),
            description: self.description.clone(),
            naf_code: self.naf_code.clone(),
            commune_code: self.commune_code.clone(),
            lat: self.lat,
            lon: self.lon,
            radius_km: self.radius_km,
            national: self.national,
            quantity: self.quantity,
            quantity_committed: self.quantity_committed,
            unit: self.unit,
            unit_price: self.unit_price,
            available_from: self.available_from,
            valid_until: self.valid_until,
            period: self.period,
            material: self.material,
            ewc_code: self.ewc_code.clone(),
            match_key: self.match_key.clone(),
        }
        .side()
    }
}

/// The columns matching reads of a candidate: no details, no teaser, no dates of record.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = listings)]
pub struct MatchFacts {
    pub id: ListingId,
    pub kind: Kind,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub naf_code: String,
    pub commune_code: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub radius_km: Option<i32>,
    pub national: bool,
    pub quantity: Option<Decimal>,
    pub quantity_committed: Decimal,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub period: Option<Period>,
    pub material: Option<Material>,
    pub ewc_code: Option<String>,
    pub match_key: Option<String>,
}

impl MatchFacts {
    /// What the listing exchanges: its material, its kind of resource, or its trade.
    fn what(&self) -> What {
        if self.category != Category::LocalResource {
            return What::Sector;
        }
        if let Some(material) = self.material {
            return What::Matter {
                material,
                ewc: self
                    .ewc_code
                    .as_deref()
                    .and_then(|c| EwcCode::parse(c).ok()),
            };
        }
        let resource = self
            .match_key
            .as_deref()
            .and_then(|k| k.strip_prefix("resource:"))
            .and_then(ResourceType::parse);
        match resource {
            // An older material listing that does not name its material: its trade.
            Some(resource) if !resource.is_matter() => What::Resource(resource),
            _ => What::Sector,
        }
    }

    pub fn side(&self) -> Option<Side> {
        let unit = self.unit;
        // What is still to give, or still wanted.
        let quantity = self.quantity.map(|q| q - self.quantity_committed);
        Some(Side {
            category: self.category,
            what: self.what(),
            naf: NafCode::parse(&self.naf_code).ok()?,
            commune: self.commune_code.clone(),
            point: self.lat.zip(self.lon),
            reach: match (self.national, self.radius_km) {
                (false, Some(km)) => Reach::RadiusKm(km),
                _ => Reach::National,
            },
            quantity: quantity.zip(unit),
            unit_price: self.unit_price.zip(unit),
            available_from: self.available_from,
            valid_until: self.valid_until,
            period: self.period,
            words: Words::of(&self.title, &self.description),
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = listings)]
pub struct NewListing {
    pub enterprise_id: EnterpriseId,
    pub kind: Kind,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub naf_code: String,
    pub naf_division: String,
    pub commune_code: String,
    pub departement_code: String,
    pub region_code: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub radius_km: Option<i32>,
    pub national: bool,
    pub quantity: Option<Decimal>,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub details: serde_json::Value,
    pub visibility: Visibility,
    pub created_by: AccountId,
    /// `draft`, or `open` to publish at once.
    pub status: Status,
    pub period: Option<Period>,
}

/// Every editable column; `None` leaves a column as it is. Nullable columns take
/// `Some(None)` to be cleared.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = listings)]
pub struct ListingChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub naf_code: Option<String>,
    pub naf_division: Option<String>,
    pub commune_code: Option<String>,
    pub departement_code: Option<String>,
    pub region_code: Option<String>,
    pub lat: Option<Option<f64>>,
    pub lon: Option<Option<f64>>,
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

pub fn insert(conn: &mut PgConnection, new: &NewListing) -> QueryResult<Listing> {
    diesel::insert_into(listings::table)
        .values(new)
        .returning(Listing::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: ListingId) -> QueryResult<Listing> {
    listings::table
        .find(id)
        .select(Listing::as_select())
        .first(conn)
}

/// The listing, locked until the end of the transaction.
pub fn find_for_update(conn: &mut PgConnection, id: ListingId) -> QueryResult<Listing> {
    listings::table
        .find(id)
        .select(Listing::as_select())
        .for_no_key_update()
        .first(conn)
}

pub fn find_many(conn: &mut PgConnection, ids: &[ListingId]) -> QueryResult<Vec<Listing>> {
    listings::table
        .filter(listings::id.eq_any(ids))
        .select(Listing::as_select())
        .load(conn)
}

pub fn update(
    conn: &mut PgConnection,
    id: ListingId,
    changes: &ListingChanges,
) -> QueryResult<Listing> {
    diesel::update(listings::table.find(id))
        .set((changes, listings::updated_at.eq(diesel::dsl::now)))
        .returning(Listing::as_returning())
        .get_result(conn)
}

pub fn open(conn: &mut PgConnection, id: ListingId) -> QueryResult<Listing> {
    diesel::update(listings::table.find(id))
        .set((
            listings::status.eq(Status::Open),
            listings::listed_at.eq(diesel::dsl::now),
            listings::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Listing::as_returning())
        .get_result(conn)
}

pub fn close(conn: &mut PgConnection, id: ListingId, reason: CloseReason) -> QueryResult<Listing> {
    diesel::update(listings::table.find(id))
        .set((
            listings::status.eq(Status::Closed),
            listings::close_reason.eq(reason),
            listings::closed_at.eq(diesel::dsl::now),
            listings::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Listing::as_returning())
        .get_result(conn)
}

/// Adds to what exchanges took from an offer.
pub fn commit_quantity(
    conn: &mut PgConnection,
    id: ListingId,
    quantity: Decimal,
) -> QueryResult<Listing> {
    diesel::update(listings::table.find(id))
        .set((
            listings::quantity_committed.eq(listings::quantity_committed + quantity),
            listings::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Listing::as_returning())
        .get_result(conn)
}

/// Expires open listings whose `valid_until` is before `today` (a Paris date: a listing
/// runs to the end of its last day in France); returns their ids.
pub fn expire_due(conn: &mut PgConnection, today: NaiveDate) -> QueryResult<Vec<ListingId>> {
    diesel::update(
        listings::table
            .filter(listings::status.eq(Status::Open))
            .filter(listings::valid_until.lt(today)),
    )
    .set((
        listings::status.eq(Status::Expired),
        listings::closed_at.eq(diesel::dsl::now),
        listings::updated_at.eq(diesel::dsl::now),
    ))
    .returning(listings::id)
    .get_results(conn)
}

/// Open listings ending between `today` and `today + days` whose owners have not been
/// warned about this end date yet. Locked, so two workers do not warn twice.
pub fn expiring_unwarned(
    conn: &mut PgConnection,
    today: NaiveDate,
    days: u64,
) -> QueryResult<Vec<Listing>> {
    let last = today + chrono::Days::new(days);
    listings::table
        .filter(listings::status.eq(Status::Open))
        .filter(listings::valid_until.between(today, last))
        .filter(listings::expiry_warned_for.is_distinct_from(listings::valid_until))
        .select(Listing::as_select())
        .order(listings::id)
        .limit(500)
        .for_update()
        .skip_locked()
        .load(conn)
}

/// Remembers that the owners were warned about the listing's current end date.
pub fn mark_expiry_warned(conn: &mut PgConnection, id: ListingId) -> QueryResult<usize> {
    diesel::update(listings::table.find(id))
        .set(listings::expiry_warned_for.eq(listings::valid_until))
        .execute(conn)
}

pub fn open_of_enterprise(
    conn: &mut PgConnection,
    enterprise: EnterpriseId,
) -> QueryResult<Vec<Listing>> {
    listings::table
        .filter(listings::enterprise_id.eq(enterprise))
        .filter(listings::status.eq(Status::Open))
        .select(Listing::as_select())
        .load(conn)
}

/// Has the enterprise at least one approved pôle membership? Only then are its listings
/// seen beyond itself and matched.
pub fn enterprise_is_approved(
    conn: &mut PgConnection,
    enterprise: EnterpriseId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::enterprise_id.eq(enterprise))
            .filter(memberships::status.eq(MembershipStatus::Approved)),
    ))
    .get_result(conn)
}

/// The enterprise's first approved pôle: how an exchange sees it.
pub fn home_pole(conn: &mut PgConnection, enterprise: EnterpriseId) -> QueryResult<Option<PoleId>> {
    memberships::table
        .filter(memberships::enterprise_id.eq(enterprise))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select(memberships::pole_id)
        .order(memberships::pole_id)
        .first(conn)
        .optional()
}

/// What a caller may do with the listings of an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// No special relation: sees open listings of approved members only.
    Stranger,
    /// One of the enterprise's accounts, or a coordinator of one of its pôles.
    Manager,
}

/// Enterprises a caller manages: its own, and those of the pôles it coordinates
/// (members and applicants alike).
pub fn managed_enterprises(
    conn: &mut PgConnection,
    account: AccountId,
) -> QueryResult<Vec<EnterpriseId>> {
    let mut own: Vec<EnterpriseId> = enterprise_accounts::table
        .filter(enterprise_accounts::account_id.eq(account))
        .select(enterprise_accounts::enterprise_id)
        .load(conn)?;
    let coordinated: Vec<EnterpriseId> = memberships::table
        .inner_join(
            pole_coordinators::table.on(pole_coordinators::pole_id.eq(memberships::pole_id)),
        )
        .filter(pole_coordinators::account_id.eq(account))
        .select(memberships::enterprise_id)
        .distinct()
        .load(conn)?;
    own.extend(coordinated);
    own.sort();
    own.dedup();
    Ok(own)
}

pub fn relation(
    conn: &mut PgConnection,
    account: Option<AccountId>,
    enterprise: EnterpriseId,
) -> QueryResult<Relation> {
    let Some(account) = account else {
        return Ok(Relation::Stranger);
    };
    let manages = super::enterprise::is_member_account(conn, enterprise, account)?
        || super::enterprise::is_coordinated_by(conn, enterprise, account)?;
    Ok(if manages {
        Relation::Manager
    } else {
        Relation::Stranger
    })
}

/// Is one of `enterprises` the counterpart of an accepted match, proposal or contact
/// request on this listing? Such a counterpart sees a confidential takeover in full.
pub fn has_accepted_counterpart(
    conn: &mut PgConnection,
    listing: ListingId,
    enterprises: &[EnterpriseId],
) -> QueryResult<bool> {
    if enterprises.is_empty() {
        return Ok(false);
    }
    let ids: Vec<i64> = enterprises.iter().map(|e| e.0).collect();
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = Bool)]
        found: bool,
    }
    let found: Found = diesel::sql_query(
        "SELECT EXISTS (
             SELECT 1 FROM matches m
             JOIN listings o ON o.id = m.offer_id
             JOIN listings n ON n.id = m.need_id
             WHERE m.status = 'accepted'
               AND ((m.offer_id = $1 AND n.enterprise_id = ANY($2)) OR (m.need_id = $1 AND o.enterprise_id = ANY($2)))
         ) OR EXISTS (
             SELECT 1 FROM proposals p
             WHERE p.listing_id = $1 AND p.status = 'accepted' AND p.enterprise_id = ANY($2)
         ) OR EXISTS (
             SELECT 1 FROM contact_requests c
             WHERE c.listing_id = $1 AND c.status = 'accepted' AND c.enterprise_id = ANY($2)
         ) AS found",
    )
    .bind::<diesel::sql_types::BigInt, _>(listing.0)
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(ids)
    .get_result(conn)?;
    Ok(found.found)
}

/// Every listing of these enterprises, whatever its status, newest first.
pub fn of_enterprises(
    conn: &mut PgConnection,
    enterprises: &[EnterpriseId],
) -> QueryResult<Vec<Listing>> {
    listings::table
        .filter(listings::enterprise_id.eq_any(enterprises))
        .select(Listing::as_select())
        .order((listings::created_at.desc(), listings::id.desc()))
        .limit(200)
        .load(conn)
}

/// Records what a takeover's teaser shows.
pub fn set_teaser(
    conn: &mut PgConnection,
    id: ListingId,
    shown: &crate::domain::takeover::TeaserShown,
) -> QueryResult<usize> {
    diesel::update(listings::table.find(id))
        .set((
            listings::teaser_naf.eq(shown.naf.clone()),
            listings::teaser_departement.eq(shown.departement.clone()),
            listings::teaser_region.eq(shown.region.clone()),
            listings::teaser_headcount_band.eq(shown.headcount_band),
        ))
        .execute(conn)
}

/// An open takeover's facts and what its teaser shows now.
pub struct TeaserRow {
    pub id: ListingId,
    pub facts: crate::domain::takeover::TakeoverFacts,
    pub shown: crate::domain::takeover::TeaserShown,
}

/// Every open takeover, read narrowly (no text, no details but the headcount band): what
/// the upkeep needs to keep teasers up to date with the directory.
pub fn open_takeover_teasers(
    conn: &mut PgConnection,
    after: ListingId,
    limit: i64,
) -> QueryResult<Vec<TeaserRow>> {
    use crate::schema::naf_codes;
    use diesel::dsl::sql;
    type Row = (
        ListingId,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
    );
    let rows: Vec<Row> = listings::table
        .left_join(naf_codes::table.on(naf_codes::code.eq(listings::naf_code)))
        .filter(listings::status.eq(Status::Open))
        .filter(listings::category.eq(Category::BusinessTakeover))
        .filter(listings::id.gt(after))
        .order(listings::id)
        .limit(limit)
        .select((
            listings::id,
            listings::naf_code,
            naf_codes::section.nullable(),
            listings::departement_code,
            listings::region_code,
            sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(
                "listings.details ->> 'headcount_band'",
            ),
            listings::teaser_naf,
            listings::teaser_departement,
            listings::teaser_region,
            listings::teaser_headcount_band,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, naf, section, departement, region, band, t_naf, t_dep, t_reg, t_band)| {
                TeaserRow {
                    id,
                    facts: crate::domain::takeover::TakeoverFacts {
                        naf,
                        section: section.unwrap_or_default(),
                        departement,
                        region,
                        headcount_band: band.and_then(|b| {
                            serde_json::from_value(serde_json::Value::String(b)).ok()
                        }),
                    },
                    shown: crate::domain::takeover::TeaserShown {
                        naf: t_naf,
                        departement: t_dep,
                        region: t_reg,
                        headcount_band: t_band,
                    },
                }
            },
        )
        .collect())
}
