//! Administration: emails parked as dead, and putting them back in the queue.

use diesel::PgConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{AppError, AppResult};
use crate::models::ids::OutboxId;
use crate::models::outbox;

/// An email that could not be sent, with why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadMessageView {
    pub id: OutboxId,
    pub recipient: String,
    pub subject: String,
    pub attempts: i32,
    /// The last failure: an SMTP answer, or why the address cannot be used.
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadMessageList {
    pub items: Vec<DeadMessageView>,
}

/// Emails parked after `mail.max_attempts` failures or a refusal for good (admins).
pub fn dead_messages(conn: &mut PgConnection, caller: &Caller) -> AppResult<DeadMessageList> {
    caller.require_admin()?;
    let items = outbox::dead(conn, 500)?
        .into_iter()
        .map(|m| DeadMessageView {
            id: m.id,
            recipient: m.recipient,
            subject: m.subject,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
        })
        .collect();
    Ok(DeadMessageList { items })
}

/// Puts a dead email back in the queue (admins); 404 when no dead message has this id.
pub fn retry_dead(conn: &mut PgConnection, caller: &Caller, id: OutboxId) -> AppResult<()> {
    caller.require_admin()?;
    if outbox::retry_dead(conn, Some(id))? == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
