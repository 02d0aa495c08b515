//! The follow-up of exchanges left agreed: after `exchanges.follow_up_days` without a
//! change, both sides and their coordinators get one reminder ("L'échange a-t-il eu
//! lieu ?") whose links, signed for each person like the unsubscribe links, move the
//! exchange to in progress, completed or cancelled in one click, once. Coordinators see
//! these exchanges on their page ("sans nouvelles").

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use sha2::{Digest, Sha256};

use super::Env;
use crate::domain::ledger::ExchangeStatus;
use crate::email::events;
use crate::error::{AppError, AppResult};
use crate::models::exchange::{self, Exchange};
use crate::models::ids::ExchangeId;

/// Sends the reminders that have come due (idempotent, safe on any number of nodes).
pub fn remind_due(
    conn: &mut PgConnection,
    links: &crate::links::Links,
    now: DateTime<Utc>,
    follow_up_days: i64,
) -> AppResult<usize> {
    let before = now - chrono::Duration::days(follow_up_days);
    let due = exchange::agreed_without_news(conn, before, 200)?;
    let mut sent = 0;
    for found in due {
        conn.transaction(|conn| {
            let Some(marked) = exchange::mark_followed_up(conn, found.id, now)? else {
                return Ok::<_, AppError>(());
            };
            let nonce = now.timestamp_micros();
            crate::email::conversation_events::exchange_follow_up(
                conn,
                links,
                &marked,
                |account, to| links.follow_up_url(marked.id.0, account, to.as_str(), nonce),
            )?;
            sent += 1;
            Ok(())
        })?;
    }
    Ok(sent)
}

/// What a follow-up link would do.
pub struct FollowUp {
    pub exchange: Exchange,
    pub to: ExchangeStatus,
    pub account: crate::models::ids::AccountId,
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Checks a follow-up link: signed for this exchange, status and its reminder, not used
/// yet, the exchange still agreed. 404 `link_invalid` otherwise.
pub fn check(
    conn: &mut PgConnection,
    env: &Env,
    id: ExchangeId,
    to: &str,
    token: &str,
) -> AppResult<FollowUp> {
    let invalid = || AppError::conflict("link_invalid");
    let to_status = ExchangeStatus::parse(to)
        .filter(|s| *s != ExchangeStatus::Agreed)
        .ok_or_else(invalid)?;
    let found = exchange::find(conn, id).map_err(|_| invalid())?;
    let nonce = found
        .follow_up_sent_at
        .map(|at| at.timestamp_micros())
        .ok_or_else(invalid)?;
    let account = env
        .links
        .verify_follow_up(token, id.0, to, nonce)
        .ok_or_else(invalid)?;
    if exchange::link_used(conn, &token_hash(token))? || found.status != ExchangeStatus::Agreed {
        return Err(invalid());
    }
    Ok(FollowUp {
        exchange: found,
        to: to_status,
        account,
    })
}

/// Uses a follow-up link: moves the exchange for the account it was signed for, records
/// the link as used, tells both sides as any transition does.
pub fn apply(
    conn: &mut PgConnection,
    env: &Env,
    id: ExchangeId,
    to: &str,
    token: &str,
) -> AppResult<Exchange> {
    conn.transaction(|conn| {
        let checked = check(conn, env, id, to, token)?;
        if !exchange::use_link(conn, &token_hash(token))? {
            return Err(AppError::conflict("link_invalid"));
        }
        let locked = exchange::find_for_update(conn, id)?;
        if locked.status != ExchangeStatus::Agreed {
            return Err(AppError::conflict("link_invalid"));
        }
        let moved = exchange::transition(
            conn,
            &locked,
            checked.to,
            "",
            checked.account,
            env.clock.now(),
        )?;
        events::exchange_status_changed(conn, &env.links, &moved, checked.to)?;
        Ok(moved)
    })
}
