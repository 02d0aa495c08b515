//! Events waiting for an account's daily digest.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::ids::{AccountId, DigestItemId};
use crate::domain::account::Family;
use crate::schema::digest_items;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = digest_items)]
pub struct NewDigestItem {
    pub account_id: AccountId,
    pub dedup_key: String,
    pub family: Family,
    pub subject: String,
    pub summary: String,
    pub link: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = digest_items)]
pub struct DigestItem {
    pub id: DigestItemId,
    pub account_id: AccountId,
    pub family: Family,
    pub subject: String,
    pub summary: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
}

/// Keeps the events for the next digests, a thousand a statement; the same event is kept
/// once.
pub fn add_all(conn: &mut PgConnection, items: &[NewDigestItem]) -> QueryResult<usize> {
    let mut written = 0;
    for chunk in items.chunks(1000) {
        written += diesel::insert_into(digest_items::table)
            .values(chunk)
            .on_conflict(digest_items::dedup_key)
            .do_nothing()
            .execute(conn)?;
    }
    Ok(written)
}

/// Accounts with events from before `cutoff` still waiting for a digest.
pub fn accounts_waiting(
    conn: &mut PgConnection,
    cutoff: DateTime<Utc>,
) -> QueryResult<Vec<AccountId>> {
    digest_items::table
        .filter(digest_items::digest_date.is_null())
        .filter(digest_items::created_at.lt(cutoff))
        .select(digest_items::account_id)
        .distinct()
        .order(digest_items::account_id)
        .load(conn)
}

/// Locks the account's waiting events from before `cutoff`; another worker building the
/// same digest skips them, so a digest is built once.
pub fn claim_waiting(
    conn: &mut PgConnection,
    account: AccountId,
    cutoff: DateTime<Utc>,
) -> QueryResult<Vec<DigestItem>> {
    digest_items::table
        .filter(digest_items::account_id.eq(account))
        .filter(digest_items::digest_date.is_null())
        .filter(digest_items::created_at.lt(cutoff))
        .select(DigestItem::as_select())
        .order((digest_items::created_at, digest_items::id))
        .for_update()
        .skip_locked()
        .load(conn)
}

pub fn mark_sent(
    conn: &mut PgConnection,
    ids: &[DigestItemId],
    date: NaiveDate,
) -> QueryResult<usize> {
    diesel::update(digest_items::table.filter(digest_items::id.eq_any(ids)))
        .set(digest_items::digest_date.eq(date))
        .execute(conn)
}
