//! Diesel models and every query: the only layer that touches `schema`.

pub mod account;
pub mod alert;
pub mod attachment;
pub mod candidates;
pub mod columns;
pub mod contact_request;
pub mod conversation;
pub mod digest;
pub mod enterprise;
pub mod exchange;
pub mod idempotency;
pub mod ids;
pub mod ledger;
pub mod listing;
pub mod listing_search;
pub mod matching;
pub mod outbox;
pub mod pole;
pub mod rate_limit;
pub mod reference;
pub mod reference_import;
pub mod resource;
pub mod visit;

/// A round trip to the database (readiness checks).
pub fn ping(conn: &mut diesel::PgConnection) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}
