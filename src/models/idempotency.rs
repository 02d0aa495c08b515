//! Idempotency keys: the first response to a key is stored in the same transaction as the
//! record it created, and replayed to every retry for 24 hours.

use diesel::prelude::*;

use super::ids::AccountId;
use crate::schema::idempotency_keys;

pub enum Begin {
    /// First use of the key: go ahead, then `save` the response.
    Fresh,
    /// Seen before with the same body: answer this again.
    Replay { status: u16, body: String },
    /// Seen before with another body.
    Mismatch,
}

/// Claims the key inside the caller's transaction. A concurrent request with the same key
/// waits here until the first one commits, then gets its response.
pub fn begin(
    conn: &mut PgConnection,
    account: AccountId,
    key: &str,
    request_hash: &[u8],
) -> QueryResult<Begin> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::account_id.eq(account))
            .filter(idempotency_keys::key.eq(key))
            .filter(
                idempotency_keys::created_at.lt(chrono::Utc::now() - chrono::Duration::hours(24)),
            ),
    )
    .execute(conn)?;
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::account_id.eq(account),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if inserted == 1 {
        return Ok(Begin::Fresh);
    }
    let (hash, status, body): (Vec<u8>, Option<i16>, Option<String>) = idempotency_keys::table
        .find((account, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::response_status,
            idempotency_keys::response_body,
        ))
        .first(conn)?;
    if hash != request_hash {
        return Ok(Begin::Mismatch);
    }
    Ok(Begin::Replay {
        status: status.map_or(409, |s| s as u16),
        body: body.unwrap_or_default(),
    })
}

pub fn save(
    conn: &mut PgConnection,
    account: AccountId,
    key: &str,
    status: u16,
    body: &str,
) -> QueryResult<usize> {
    diesel::update(idempotency_keys::table.find((account, key)))
        .set((
            idempotency_keys::response_status.eq(status as i16),
            idempotency_keys::response_body.eq(body),
        ))
        .execute(conn)
}

/// Forgets keys older than 24 hours (housekeeping).
pub fn purge_expired(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(
        idempotency_keys::table.filter(
            idempotency_keys::created_at.lt(chrono::Utc::now() - chrono::Duration::hours(24)),
        ),
    )
    .execute(conn)
}
