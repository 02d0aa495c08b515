//! Accounts: registration, sign-in and out, preferences, password reset, email
//! verification and one-click unsubscribe.

use diesel::{Connection, PgConnection};

use super::limits::{self, Limited, Requester};
use super::Env;
use crate::auth::Caller;
use crate::domain::account::{check_password, Email, Family, Locale, Notifications, Role};
use crate::domain::Invalid;
use crate::email::messages::{self, Addressee};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::account::{self, Account, AccountChanges, NewAccount};
use crate::models::ids::AccountId;
use crate::models::outbox;
use crate::views::accounts::{AccountView, SessionView};

/// Display names have 1 to 100 characters.
const DISPLAY_NAME_CHARS: std::ops::RangeInclusive<usize> = 1..=100;

fn check_display_name(name: &str) -> Result<String, Invalid> {
    let name = name.trim();
    if !DISPLAY_NAME_CHARS.contains(&name.chars().count()) {
        return Err(Invalid::new("length").with("min", 1).with("max", 100));
    }
    Ok(name.to_string())
}

pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub locale: Option<Locale>,
}

/// Creates an account, signs it in, and sends the welcome email with its verification
/// link. 409 `email_taken` when the address has an account already.
pub fn register(
    conn: &mut PgConnection,
    env: &Env,
    requester: &Requester,
    new: Registration,
) -> AppResult<SessionView> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse_with(&new.email, env.mail.smtputf8()));
    errors.check("password", check_password(&new.password));
    let display_name = errors.check("display_name", check_display_name(&new.display_name));
    errors.finish()?;
    let (Some(email), Some(display_name)) = (email, display_name) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "checked fields missing"
        )));
    };
    limits::check(conn, env, Limited::Registration, &requester.address_only())?;
    let password_hash = account::hash_password(&new.password)?;
    let locale = new.locale.unwrap_or(Locale::Fr);
    conn.transaction(|conn| {
        if account::find_by_email(conn, &email)?.is_some() {
            return Err(AppError::conflict("email_taken"));
        }
        let account = account::insert(
            conn,
            &NewAccount {
                email: email.as_str(),
                password_hash: &password_hash,
                display_name: &display_name,
                role: Role::Member,
                locale,
            },
        )?;
        outbox::enqueue(conn, &messages::welcome(&account, &env.links))?;
        let token = account::issue_token(conn, account.id, env.settings.app.token_ttl_days)?;
        Ok(SessionView {
            account: AccountView::from(&account),
            token,
        })
    })
}

/// Signs in with e-mail and password. An unknown e-mail and a wrong password get the same
/// answer (401), after the same Argon2 work; attempts count against `[limits] login`.
pub fn login(
    conn: &mut PgConnection,
    env: &Env,
    requester: &Requester,
    email: &str,
    password: &str,
) -> AppResult<SessionView> {
    let parsed = Email::parse_with(email, true);
    let key = parsed
        .as_ref()
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    limits::check(conn, env, Limited::Login, &requester.as_account(key))?;
    let found = match &parsed {
        Ok(email) => account::find_by_email(conn, email)?,
        Err(_) => None,
    };
    let hash = found
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| account::dummy_hash().to_string());
    let verified = account::verify_password(password, &hash);
    let account = match (found, verified) {
        (Some(account), true) => account,
        _ => return Err(AppError::Unauthorized),
    };
    let token = account::issue_token(conn, account.id, env.settings.app.token_ttl_days)?;
    Ok(SessionView {
        account: AccountView::from(&account),
        token,
    })
}

/// Revokes the token the caller used.
pub fn logout(conn: &mut PgConnection, caller: &Caller) -> AppResult<()> {
    account::revoke_token(conn, caller.token_id)?;
    Ok(())
}

/// A change of notification preferences: all families at once, or some of them.
#[derive(Debug, Clone)]
pub enum PreferencesChange {
    All(Notifications),
    Families(Vec<(Family, Notifications)>),
}

#[derive(Debug, Clone, Default)]
pub struct AccountUpdate {
    pub display_name: Option<String>,
    pub locale: Option<Locale>,
    pub notifications: Option<PreferencesChange>,
    /// A new password, with the current one.
    pub password: Option<(String, String)>,
}

/// Changes the caller's display name, language, notification preferences or password.
pub fn update_me(
    conn: &mut PgConnection,
    caller: &Caller,
    update: AccountUpdate,
) -> AppResult<AccountView> {
    let mut errors = FieldErrors::new();
    let mut changes = AccountChanges {
        locale: update.locale,
        ..AccountChanges::default()
    };
    if let Some(name) = &update.display_name {
        changes.display_name = errors.check("display_name", check_display_name(name));
    }
    match update.notifications {
        Some(PreferencesChange::All(choice)) => {
            for &family in Family::ALL {
                changes.notify(family, choice);
            }
        }
        Some(PreferencesChange::Families(families)) => {
            for (family, choice) in families {
                changes.notify(family, choice);
            }
        }
        None => {}
    }
    if let Some((password, current)) = &update.password {
        errors.check("password", check_password(password));
        if !account::verify_password(current, &caller.account.password_hash) {
            errors.add("current_password", Invalid::new("wrong_password"));
        }
    }
    errors.finish()?;
    if let Some((password, _)) = update.password {
        changes.password_hash = Some(account::hash_password(&password)?);
    }
    let updated = account::update(conn, caller.id(), &changes)?;
    Ok(AccountView::from(&updated))
}

/// Sends a password reset link when an account has this address; the answer is the same
/// either way, and requests count against `[limits] password_reset` for known and
/// unknown addresses alike.
pub fn request_password_reset(
    conn: &mut PgConnection,
    env: &Env,
    requester: &Requester,
    email: &str,
) -> AppResult<()> {
    let email = Email::parse_with(email, true).map_err(|e| AppError::invalid_field("email", e))?;
    limits::check(
        conn,
        env,
        Limited::PasswordReset,
        &requester.as_account(email.as_str()),
    )?;
    conn.transaction(|conn| {
        if let Some(found) = account::find_by_email(conn, &email)? {
            let token = account::issue_password_reset(conn, found.id)?;
            let link = env.links.page(&format!("/reset-password?token={token}"));
            let message = messages::password_reset(&token[..16], &Addressee::from(&found), &link);
            outbox::enqueue(conn, &message)?;
        }
        Ok(())
    })
}

/// Chooses a new password with the emailed token (single use, 30 minutes); every session
/// of the account is signed out.
pub fn confirm_password_reset(
    conn: &mut PgConnection,
    token: &str,
    password: &str,
) -> AppResult<()> {
    check_password(password).map_err(|e| AppError::invalid_field("password", e))?;
    let hash = account::hash_password(password)?;
    conn.transaction(|conn| {
        let Some(account_id) = account::use_password_reset(conn, token.trim())? else {
            return Err(AppError::invalid_field(
                "token",
                Invalid::new("invalid_token"),
            ));
        };
        account::update(
            conn,
            account_id,
            &AccountChanges {
                password_hash: Some(hash),
                ..AccountChanges::default()
            },
        )?;
        account::revoke_all_tokens(conn, account_id)?;
        Ok(())
    })
}

/// Confirms an address with the signed token of the welcome email (no sign-in needed: the
/// token is bound to the account and its current address).
pub fn verify_email(conn: &mut PgConnection, env: &Env, token: &str) -> AppResult<AccountView> {
    let invalid = || AppError::invalid_field("token", Invalid::new("invalid_token"));
    let Some(id) = env.links.verify_email_token(token, |id| {
        account::find(conn, id).ok().map(|found| found.email)
    }) else {
        return Err(invalid());
    };
    let found = account::find(conn, id)?;
    if !account::verify_email(conn, id, &found.email)? {
        return Err(invalid());
    }
    Ok(AccountView::from(&account::find(conn, id)?))
}

/// The account a signed unsubscribe link names, when its signature holds.
pub fn unsubscribe_target(env: &Env, token: &str) -> Option<AccountId> {
    env.links.verify_unsubscribe(token)
}

/// One-click unsubscribe (RFC 8058): every family of notifications off. 404 for a link
/// whose signature does not hold.
pub fn unsubscribe(conn: &mut PgConnection, env: &Env, token: &str) -> AppResult<()> {
    let account_id = unsubscribe_target(env, token).ok_or(AppError::NotFound)?;
    account::update(
        conn,
        account_id,
        &AccountChanges::notify_all(Notifications::Off),
    )?;
    Ok(())
}

/// The account behind a token (for the pages' session cookie).
pub fn account_of(conn: &mut PgConnection, id: AccountId) -> AppResult<Account> {
    Ok(account::find(conn, id)?)
}
