//! The abuse limits of `[limits]`: each counts per account (or e-mail address, whether an
//! account has it or not, so the answer tells nothing) and per client address, in
//! PostgreSQL (see `models::rate_limit`), so that they hold across app nodes. An excess is
//! 429 with the seconds to wait.

use diesel::PgConnection;

use super::Env;
use crate::config::Limit;
use crate::error::{AppError, AppResult};
use crate::models::rate_limit;

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    Login,
    PasswordReset,
    Registration,
    Proposals,
    ContactRequests,
    Messages,
}

impl Limited {
    fn name(self) -> &'static str {
        match self {
            Limited::Login => "login",
            Limited::PasswordReset => "password_reset",
            Limited::Registration => "registration",
            Limited::Proposals => "proposals",
            Limited::ContactRequests => "contact_requests",
            Limited::Messages => "messages",
        }
    }

    fn limit(self, env: &Env) -> Limit {
        let limits = &env.settings.limits;
        match self {
            Limited::Login => limits.login,
            Limited::PasswordReset => limits.password_reset,
            Limited::Registration => limits.registration,
            Limited::Proposals => limits.proposals,
            Limited::ContactRequests => limits.contact_requests,
            Limited::Messages => limits.messages,
        }
    }
}

/// Who a request is counted against: the account (or the e-mail address it names) and the
/// client address (see `auth::ClientAddress::limit_key`).
#[derive(Debug, Clone, Default)]
pub struct Requester {
    pub account: Option<String>,
    pub address: Option<String>,
}

impl Requester {
    /// A request from this client address (`auth::ClientAddress::limit_key`).
    pub fn at(address: String) -> Requester {
        Requester {
            account: None,
            address: Some(address),
        }
    }

    /// The same client, counted against `account` too.
    pub fn as_account(&self, account: impl ToString) -> Requester {
        Requester {
            account: Some(account.to_string()),
            address: self.address.clone(),
        }
    }

    /// The same client, by address only.
    pub fn address_only(&self) -> Requester {
        Requester {
            account: None,
            address: self.address.clone(),
        }
    }
}

/// Counts one request; 429 when either count is exhausted. Call it outside the operation's
/// transaction, so that a refused or failed attempt still counts.
pub fn check(
    conn: &mut PgConnection,
    env: &Env,
    what: Limited,
    requester: &Requester,
) -> AppResult<()> {
    if !env.settings.limits.enabled {
        return Ok(());
    }
    let limit = what.limit(env);
    let mut wait: Option<u64> = None;
    for (scope, count, key) in [
        ("account", limit.per_account, requester.account.as_deref()),
        ("address", limit.per_address, requester.address.as_deref()),
    ] {
        let (Some(key), true) = (key, count > 0) else {
            continue;
        };
        let name = format!("{}:{scope}:{key}", what.name());
        if let Some(seconds) = rate_limit::hit(conn, &name, count, limit.window_secs)? {
            wait = Some(wait.map_or(seconds, |w| w.max(seconds)));
        }
    }
    match wait {
        Some(retry_after_secs) => Err(AppError::TooManyRequests { retry_after_secs }),
        None => Ok(()),
    }
}
