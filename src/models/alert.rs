//! Saved searches ("alerts"), and the indexed query that finds the alerts a newly opened
//! listing fits.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Double, Integer, Nullable, Text};

use super::ids::{AccountId, AlertId, ListingId};
use super::listing::Listing;
use crate::domain::account::AlertFrequency;
use crate::schema::{alert_hits, alert_queue, alerts, naf_codes};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = alerts)]
pub struct Alert {
    pub id: AlertId,
    pub account_id: AccountId,
    /// '' when any kind will do; likewise `category` and `naf_prefix`.
    pub kind: String,
    pub category: String,
    pub naf_prefix: String,
    pub commune_code: Option<String>,
    pub radius_km: Option<i32>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub keywords: String,
    pub frequency: AlertFrequency,
    pub created_at: DateTime<Utc>,
}

/// Checked criteria of a new alert.
#[derive(Debug, Clone)]
pub struct NewAlert {
    pub account_id: AccountId,
    pub kind: String,
    pub category: String,
    pub naf_prefix: String,
    /// The commune, its coordinates, and the radius around them.
    pub place: Option<(String, f64, f64, i32)>,
    pub keywords: String,
    pub frequency: AlertFrequency,
}

/// An account may keep this many alerts; enough for real use, and a bound on the work
/// one account can add to every publication.
pub const MAX_ALERTS_PER_ACCOUNT: i64 = 50;

pub fn insert(conn: &mut PgConnection, alert: &NewAlert) -> QueryResult<Alert> {
    let (commune, lat, lon, radius) = match &alert.place {
        Some((code, lat, lon, radius)) => {
            (Some(code.clone()), Some(*lat), Some(*lon), Some(*radius))
        }
        None => (None, None, None, None),
    };
    let id: AlertId = diesel::sql_query(
        "INSERT INTO alerts (account_id, kind, category, naf_prefix, commune_code, radius_km, lat, lon,
                             area, keywords, query, frequency)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                 CASE WHEN $7 IS NULL THEN NULL ELSE earth_box(ll_to_earth($7, $8), $6 * 1000.0) END,
                 $9, CASE WHEN $9 = '' THEN NULL ELSE websearch_to_tsquery('french_unaccent', $9) END,
                 $10)
         RETURNING id",
    )
    .bind::<BigInt, _>(alert.account_id.0)
    .bind::<Text, _>(&alert.kind)
    .bind::<Text, _>(&alert.category)
    .bind::<Text, _>(&alert.naf_prefix)
    .bind::<Nullable<Text>, _>(commune)
    .bind::<Nullable<Integer>, _>(radius)
    .bind::<Nullable<Double>, _>(lat)
    .bind::<Nullable<Double>, _>(lon)
    .bind::<Text, _>(&alert.keywords)
    .bind::<Text, _>(alert.frequency.as_str())
    .get_result::<InsertedId>(conn)?
    .id;
    find(conn, id)
}

#[derive(QueryableByName)]
struct InsertedId {
    #[diesel(sql_type = BigInt)]
    id: AlertId,
}

pub fn find(conn: &mut PgConnection, id: AlertId) -> QueryResult<Alert> {
    alerts::table
        .find(id)
        .select(Alert::as_select())
        .first(conn)
}

pub fn of_account(conn: &mut PgConnection, account: AccountId) -> QueryResult<Vec<Alert>> {
    alerts::table
        .filter(alerts::account_id.eq(account))
        .select(Alert::as_select())
        .order(alerts::id)
        .load(conn)
}

pub fn count_of_account(conn: &mut PgConnection, account: AccountId) -> QueryResult<i64> {
    alerts::table
        .filter(alerts::account_id.eq(account))
        .count()
        .get_result(conn)
}

/// Deletes the alert when it belongs to `account`; false when there is no such alert of
/// this account (someone else's alert is not revealed to exist).
pub fn delete(conn: &mut PgConnection, account: AccountId, id: AlertId) -> QueryResult<bool> {
    let deleted = diesel::delete(
        alerts::table
            .find(id)
            .filter(alerts::account_id.eq(account)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// An alert that a listing fits, with what its email needs.
#[derive(Debug, Clone, QueryableByName)]
pub struct AlertHit {
    #[diesel(sql_type = BigInt)]
    pub alert_id: AlertId,
    #[diesel(sql_type = BigInt)]
    pub account_id: AccountId,
    #[diesel(sql_type = Text)]
    pub frequency: AlertFrequency,
}

/// Records a hit for every alert `listing` fits that has not heard of it yet, and returns
/// those hits: each alert tells about a listing once. Accounts of the listing's own
/// enterprise are not alerted about it.
///
/// Two index scans find the candidates: alerts with a place whose circle's bounding cube
/// holds the listing's point (GiST) and whose sector is one of the listing's codes or open
/// (btree, combined by a bitmap AND), and alerts without a place by sector alone (partial
/// btree). An open sector is '' and is one of the values looked up. The exact distance,
/// kind, category and keywords are then checked on those few rows.
pub fn record_hits(conn: &mut PgConnection, listing: &Listing) -> QueryResult<Vec<AlertHit>> {
    let mut prefixes: Vec<String> = vec![String::new()];
    if let Ok(code) = crate::domain::naf::NafCode::parse(&listing.naf_code) {
        prefixes.extend(code.ancestors());
    }
    if let Some(section) = naf_codes::table
        .find(&listing.naf_code)
        .select(naf_codes::section)
        .first::<String>(conn)
        .optional()?
    {
        prefixes.push(section);
    }
    diesel::sql_query(
        "WITH l AS (SELECT * FROM listings WHERE id = $1),
         candidates AS (
             SELECT a.id, a.account_id, a.frequency, a.kind, a.category, a.query
             FROM alerts a, l
             WHERE l.lat IS NOT NULL
               AND a.area IS NOT NULL AND a.area @> ll_to_earth(l.lat, l.lon)
               AND a.naf_prefix = ANY($2)
               AND earth_distance(ll_to_earth(a.lat, a.lon), ll_to_earth(l.lat, l.lon)) <= a.radius_km * 1000.0
             UNION ALL
             SELECT a.id, a.account_id, a.frequency, a.kind, a.category, a.query
             FROM alerts a
             WHERE a.area IS NULL AND a.naf_prefix = ANY($2)
         ),
         fitting AS (
             SELECT c.id, c.account_id, c.frequency
             FROM candidates c, l
             WHERE c.kind IN ('', l.kind)
               AND c.category IN ('', l.category)
               AND (c.query IS NULL OR l.search @@ c.query)
               AND NOT EXISTS (SELECT 1 FROM enterprise_accounts ea
                               WHERE ea.enterprise_id = l.enterprise_id AND ea.account_id = c.account_id)
         ),
         recorded AS (
             INSERT INTO alert_hits (alert_id, listing_id)
             SELECT id, $1 FROM fitting
             ON CONFLICT DO NOTHING
             RETURNING alert_id
         )
         SELECT f.id AS alert_id, f.account_id, f.frequency
         FROM fitting f JOIN recorded r ON r.alert_id = f.id
         ORDER BY f.id",
    )
    .bind::<BigInt, _>(listing.id.0)
    .bind::<Array<Text>, _>(&prefixes)
    .load(conn)
}

/// Queues an opened listing for its alerts (see [`claim_queued`]). Queued already, its row is
/// updated rather than left alone: the update locks it until this transaction commits, so a
/// worker cannot tell the alerts from the listing as it was before this change (it skips
/// locked rows), and a postponed listing that changed is due again with fresh attempts.
pub fn queue(conn: &mut PgConnection, listing: ListingId) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO alert_queue (listing_id) VALUES ($1)
         ON CONFLICT (listing_id) DO UPDATE
         SET queued_at = LEAST(alert_queue.queued_at, now()), attempts = 0",
    )
    .bind::<BigInt, _>(listing.0)
    .execute(conn)
    .map(|_| ())
}

/// Takes the oldest due listing off the queue, skipping those another worker holds, with
/// how many times telling its alerts has failed before. Call it inside the transaction that
/// writes the listing's alert emails: if that transaction fails, the listing goes back on the
/// queue as it was.
pub fn claim_queued(conn: &mut PgConnection) -> QueryResult<Option<QueuedListing>> {
    diesel::sql_query(
        "DELETE FROM alert_queue WHERE listing_id = (
             SELECT listing_id FROM alert_queue WHERE queued_at <= now()
             ORDER BY queued_at, listing_id
             LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING listing_id, attempts",
    )
    .get_result::<QueuedListing>(conn)
    .optional()
}

#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct QueuedListing {
    #[diesel(sql_type = BigInt)]
    pub listing_id: ListingId,
    /// Failed attempts before this one.
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
}

/// Puts a listing whose telling failed back on the queue, due after `delay_secs`.
pub fn postpone(
    conn: &mut PgConnection,
    queued: QueuedListing,
    delay_secs: i32,
) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO alert_queue (listing_id, queued_at, attempts)
         VALUES ($1, now() + make_interval(secs => $2), $3)
         ON CONFLICT (listing_id) DO NOTHING",
    )
    .bind::<BigInt, _>(queued.listing_id.0)
    .bind::<Integer, _>(delay_secs)
    .bind::<Integer, _>(queued.attempts + 1)
    .execute(conn)
    .map(|_| ())
}

/// How many listings wait for their alerts (tests and benchmarks).
pub fn queued(conn: &mut PgConnection) -> QueryResult<i64> {
    alert_queue::table.count().get_result(conn)
}

/// How many alerts have told about `listing` (tests and reports).
pub fn hits_of_listing(conn: &mut PgConnection, listing: ListingId) -> QueryResult<i64> {
    alert_hits::table
        .filter(alert_hits::listing_id.eq(listing))
        .count()
        .get_result(conn)
}
