//! Contact requests of would-be buyers to the seller of a business takeover.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::domain::takeover::ContactStatus;
use crate::models::ids::{AccountId, ContactRequestId, EnterpriseId, ListingId};
use crate::schema::contact_requests;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = contact_requests)]
pub struct ContactRequest {
    pub id: ContactRequestId,
    pub listing_id: ListingId,
    /// The buyer's enterprise.
    pub enterprise_id: EnterpriseId,
    pub message: String,
    pub confidentiality_accepted_at: DateTime<Utc>,
    pub status: ContactStatus,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<AccountId>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = contact_requests)]
pub struct NewContactRequest {
    pub listing_id: ListingId,
    pub enterprise_id: EnterpriseId,
    pub message: String,
    pub confidentiality_accepted_at: DateTime<Utc>,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
}

/// Records a request; `None` when this enterprise already asked about this listing.
pub fn insert(
    conn: &mut PgConnection,
    new: &NewContactRequest,
) -> QueryResult<Option<ContactRequest>> {
    diesel::insert_into(contact_requests::table)
        .values(new)
        .on_conflict((
            contact_requests::listing_id,
            contact_requests::enterprise_id,
        ))
        .do_nothing()
        .returning(ContactRequest::as_returning())
        .get_result(conn)
        .optional()
}

pub fn find_for_update(
    conn: &mut PgConnection,
    id: ContactRequestId,
) -> QueryResult<ContactRequest> {
    contact_requests::table
        .find(id)
        .select(ContactRequest::as_select())
        .for_no_key_update()
        .first(conn)
}

/// The requests about a listing, newest first; only those of `enterprises` unless `all`.
pub fn of_listing(
    conn: &mut PgConnection,
    listing: ListingId,
    enterprises: Option<&[EnterpriseId]>,
) -> QueryResult<Vec<ContactRequest>> {
    let mut query = contact_requests::table
        .filter(contact_requests::listing_id.eq(listing))
        .select(ContactRequest::as_select())
        .order(contact_requests::id.desc())
        .into_boxed();
    if let Some(enterprises) = enterprises {
        query = query.filter(contact_requests::enterprise_id.eq_any(enterprises.to_vec()));
    }
    query.load(conn)
}

/// Accepts or declines a pending request; the caller holds its row lock.
pub fn decide(
    conn: &mut PgConnection,
    id: ContactRequestId,
    status: ContactStatus,
    account: AccountId,
    now: DateTime<Utc>,
) -> QueryResult<ContactRequest> {
    diesel::update(contact_requests::table.find(id))
        .set((
            contact_requests::status.eq(status),
            contact_requests::decided_by.eq(Some(account)),
            contact_requests::decided_at.eq(Some(now)),
        ))
        .returning(ContactRequest::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: ContactRequestId) -> QueryResult<ContactRequest> {
    contact_requests::table
        .find(id)
        .select(ContactRequest::as_select())
        .first(conn)
}
