//! Files attached to listings, messages, exchanges and the library's resources, stored in PostgreSQL (every app
//! node serves them).

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::ids::{AccountId, ExchangeId, ListingId, ResourceId};
use crate::schema::attachments;

/// What an attachment is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    Listing(ListingId),
    Message(i64),
    Exchange(ExchangeId),
    Resource(ResourceId),
}

/// An attachment without its bytes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct AttachmentInfo {
    pub id: i64,
    pub listing_id: Option<ListingId>,
    pub message_id: Option<i64>,
    pub exchange_id: Option<ExchangeId>,
    pub filename: String,
    pub content_type: String,
    pub size: i32,
    pub uploaded_by: AccountId,
    pub created_at: DateTime<Utc>,
    pub resource_id: Option<ResourceId>,
}

impl AttachmentInfo {
    pub fn parent(&self) -> Option<Parent> {
        match (
            self.listing_id,
            self.message_id,
            self.exchange_id,
            self.resource_id,
        ) {
            (Some(l), None, None, None) => Some(Parent::Listing(l)),
            (None, Some(m), None, None) => Some(Parent::Message(m)),
            (None, None, Some(x), None) => Some(Parent::Exchange(x)),
            (None, None, None, Some(r)) => Some(Parent::Resource(r)),
            _ => None,
        }
    }
}

pub struct NewAttachment<'a> {
    pub parent: Parent,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
    pub thumbnail: Option<&'a [u8]>,
    pub uploaded_by: AccountId,
}

pub fn insert(conn: &mut PgConnection, new: NewAttachment<'_>) -> QueryResult<AttachmentInfo> {
    let (listing, message, exchange, resource) = match new.parent {
        Parent::Listing(l) => (Some(l), None, None, None),
        Parent::Message(m) => (None, Some(m), None, None),
        Parent::Exchange(x) => (None, None, Some(x), None),
        Parent::Resource(r) => (None, None, None, Some(r)),
    };
    diesel::insert_into(attachments::table)
        .values((
            attachments::listing_id.eq(listing),
            attachments::message_id.eq(message),
            attachments::exchange_id.eq(exchange),
            attachments::resource_id.eq(resource),
            attachments::filename.eq(new.filename),
            attachments::content_type.eq(new.content_type),
            attachments::size.eq(new.content.len() as i32),
            attachments::content.eq(new.content),
            attachments::thumbnail.eq(new.thumbnail),
            attachments::uploaded_by.eq(new.uploaded_by),
        ))
        .returning(AttachmentInfo::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<AttachmentInfo> {
    attachments::table
        .find(id)
        .select(AttachmentInfo::as_select())
        .first(conn)
}

/// The bytes of an attachment, or of its thumbnail (`None` when it has none).
pub fn content(conn: &mut PgConnection, id: i64, thumbnail: bool) -> QueryResult<Option<Vec<u8>>> {
    if thumbnail {
        attachments::table
            .find(id)
            .select(attachments::thumbnail)
            .first(conn)
    } else {
        attachments::table
            .find(id)
            .select(attachments::content)
            .first(conn)
            .map(Some)
    }
}

/// The attachments of a parent, oldest first.
pub fn of_parent(conn: &mut PgConnection, parent: Parent) -> QueryResult<Vec<AttachmentInfo>> {
    let query = attachments::table
        .select(AttachmentInfo::as_select())
        .order(attachments::id.asc())
        .into_boxed();
    match parent {
        Parent::Listing(l) => query.filter(attachments::listing_id.eq(l)).load(conn),
        Parent::Message(m) => query.filter(attachments::message_id.eq(m)).load(conn),
        Parent::Exchange(x) => query.filter(attachments::exchange_id.eq(x)).load(conn),
        Parent::Resource(r) => query.filter(attachments::resource_id.eq(r)).load(conn),
    }
}

/// The attachments of several messages.
pub fn of_messages(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<AttachmentInfo>> {
    attachments::table
        .filter(attachments::message_id.eq_any(ids))
        .select(AttachmentInfo::as_select())
        .order(attachments::id.asc())
        .load(conn)
}

/// Holds, until the transaction ends, the lock on a parent's files: concurrent uploads to
/// it count what it has one after the other, so its limit holds (an advisory lock keyed by
/// the kind of parent and its id).
pub fn lock_parent(conn: &mut PgConnection, parent: Parent) -> QueryResult<()> {
    let (kind, id) = match parent {
        Parent::Listing(l) => (1, l.0),
        Parent::Message(m) => (2, m),
        Parent::Exchange(x) => (3, x.0),
        Parent::Resource(r) => (4, r.0),
    };
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
        .bind::<diesel::sql_types::Integer, _>(kind)
        .bind::<diesel::sql_types::Integer, _>((id % i32::MAX as i64) as i32)
        .execute(conn)
        .map(|_| ())
}
