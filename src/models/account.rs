//! Accounts, password hashes and bearer tokens.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::ids::AccountId;
use super::ids::{EnterpriseId, PoleId};
use crate::domain::account::{Email, Family, Locale, Notifications, Preferences, Role};
use crate::schema::{
    accounts, api_tokens, enterprise_accounts, password_resets, pole_coordinators,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub notify_matches: Notifications,
    pub notify_exchanges: Notifications,
    pub notify_memberships: Notifications,
    pub notify_listings: Notifications,
    pub notify_alerts: Notifications,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub notify_messages: Notifications,
    pub notify_visits: Notifications,
}

impl Account {
    pub fn preferences(&self) -> Preferences {
        Preferences {
            matches: self.notify_matches,
            exchanges: self.notify_exchanges,
            memberships: self.notify_memberships,
            listings: self.notify_listings,
            alerts: self.notify_alerts,
            messages: self.notify_messages,
            visits: self.notify_visits,
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub locale: Locale,
}

/// Argon2id with the crate's default (OWASP-recommended) parameters. Slow on purpose: call
/// it from the blocking pool.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a password nobody has, verified when the e-mail is unknown so that a failed
/// login takes as long for an unknown account as for a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

pub fn insert(conn: &mut PgConnection, new: &NewAccount<'_>) -> QueryResult<Account> {
    diesel::insert_into(accounts::table)
        .values(new)
        .returning(Account::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: AccountId) -> QueryResult<Account> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
}

pub fn find_by_email(conn: &mut PgConnection, email: &Email) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::email.eq(email.as_str()))
        .select(Account::as_select())
        .first(conn)
        .optional()
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = accounts)]
pub struct AccountChanges {
    pub display_name: Option<String>,
    pub locale: Option<Locale>,
    pub password_hash: Option<String>,
    pub role: Option<Role>,
    pub notify_matches: Option<Notifications>,
    pub notify_exchanges: Option<Notifications>,
    pub notify_memberships: Option<Notifications>,
    pub notify_listings: Option<Notifications>,
    pub notify_alerts: Option<Notifications>,
    pub notify_messages: Option<Notifications>,
    pub notify_visits: Option<Notifications>,
}

impl AccountChanges {
    /// Sets one family's preference.
    pub fn notify(&mut self, family: Family, choice: Notifications) {
        let value = Some(choice);
        match family {
            Family::Matches => self.notify_matches = value,
            Family::Exchanges => self.notify_exchanges = value,
            Family::Memberships => self.notify_memberships = value,
            Family::Listings => self.notify_listings = value,
            Family::Alerts => self.notify_alerts = value,
            Family::Messages => self.notify_messages = value,
            Family::Visits => self.notify_visits = value,
        }
    }

    /// Every family at once: what one-click unsubscribe does with `Off`.
    pub fn notify_all(choice: Notifications) -> AccountChanges {
        let mut changes = AccountChanges::default();
        for &family in Family::ALL {
            changes.notify(family, choice);
        }
        changes
    }
}

/// Marks the address as verified, when it is still the one the link was made for.
pub fn verify_email(conn: &mut PgConnection, id: AccountId, email: &str) -> QueryResult<bool> {
    let updated = diesel::update(accounts::table.find(id).filter(accounts::email.eq(email)))
        // The first confirmation is the one kept.
        .set(accounts::email_verified_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >("coalesce(email_verified_at, now())")))
        .execute(conn)?;
    Ok(updated == 1)
}

pub fn update(
    conn: &mut PgConnection,
    id: AccountId,
    changes: &AccountChanges,
) -> QueryResult<Account> {
    diesel::update(accounts::table.find(id))
        .set((changes, accounts::updated_at.eq(diesel::dsl::now)))
        .returning(Account::as_returning())
        .get_result(conn)
}

/// Raises a member to coordinator; admins keep their role.
pub fn promote_to_coordinator(conn: &mut PgConnection, id: AccountId) -> QueryResult<usize> {
    diesel::update(
        accounts::table
            .find(id)
            .filter(accounts::role.eq(Role::Member)),
    )
    .set((
        accounts::role.eq(Role::Coordinator),
        accounts::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
}

/// Makes `email` an admin with this password, creating the account if needed.
pub fn upsert_admin(
    conn: &mut PgConnection,
    email: &Email,
    password_hash: &str,
    display_name: &str,
) -> QueryResult<Account> {
    diesel::insert_into(accounts::table)
        .values(&NewAccount {
            email: email.as_str(),
            password_hash,
            display_name,
            role: Role::Admin,
            locale: Locale::Fr,
        })
        .on_conflict(accounts::email)
        .do_update()
        .set((
            accounts::role.eq(Role::Admin),
            accounts::password_hash.eq(password_hash),
            accounts::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Account::as_returning())
        .get_result(conn)
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Issues a random 256-bit token; only its SHA-256 is stored.
pub fn issue_token(
    conn: &mut PgConnection,
    account: AccountId,
    ttl_days: i64,
) -> QueryResult<String> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::account_id.eq(account),
            api_tokens::token_hash.eq(token_hash(&token)),
            api_tokens::expires_at.eq(Utc::now() + Duration::days(ttl_days)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The account behind an unexpired token, with the token's id.
pub fn authenticate(conn: &mut PgConnection, token: &str) -> QueryResult<Option<(i64, Account)>> {
    api_tokens::table
        .inner_join(accounts::table)
        .filter(api_tokens::token_hash.eq(token_hash(token)))
        .filter(api_tokens::expires_at.gt(diesel::dsl::now))
        .select((api_tokens::id, Account::as_select()))
        .first(conn)
        .optional()
}

/// The WAL position of the last write made with this token, if any.
pub fn token_read_after(conn: &mut PgConnection, token: &str) -> QueryResult<Option<String>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash(token)))
        .select(api_tokens::read_after_lsn)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Records on the token the primary's WAL position after a write made with it; returns
/// that position.
pub fn mark_token_write(conn: &mut PgConnection, token: &str) -> QueryResult<Option<String>> {
    diesel::sql_query(
        "UPDATE api_tokens SET read_after_lsn = pg_current_wal_lsn()::text
         WHERE token_hash = $1 RETURNING read_after_lsn",
    )
    .bind::<diesel::sql_types::Bytea, _>(token_hash(token))
    .load::<ReadAfterRow>(conn)
    .map(|rows| rows.into_iter().next().and_then(|r| r.read_after_lsn))
}

#[derive(QueryableByName)]
struct ReadAfterRow {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    read_after_lsn: Option<String>,
}

pub fn revoke_token(conn: &mut PgConnection, token_id: i64) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.find(token_id)).execute(conn)
}

/// Removes expired tokens (run periodically by the worker).
pub fn purge_expired_tokens(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::expires_at.le(diesel::dsl::now)))
        .execute(conn)
}

/// How long a password reset link works.
pub const PASSWORD_RESET_MINUTES: i64 = 30;

/// Issues a single-use reset token for the account; only its hash is stored.
pub fn issue_password_reset(conn: &mut PgConnection, account: AccountId) -> QueryResult<String> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::account_id.eq(account),
            password_resets::token_hash.eq(token_hash(&token)),
            password_resets::expires_at.eq(Utc::now() + Duration::minutes(PASSWORD_RESET_MINUTES)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Spends a reset token: the account it was for, if the token is known, unused and
/// unexpired. The row is locked so that two uses at once spend it once.
pub fn use_password_reset(conn: &mut PgConnection, token: &str) -> QueryResult<Option<AccountId>> {
    let found: Option<(i64, AccountId)> = password_resets::table
        .filter(password_resets::token_hash.eq(token_hash(token)))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(diesel::dsl::now))
        .select((password_resets::id, password_resets::account_id))
        .for_update()
        .first(conn)
        .optional()?;
    let Some((id, account)) = found else {
        return Ok(None);
    };
    diesel::update(password_resets::table.find(id))
        .set(password_resets::used_at.eq(diesel::dsl::now))
        .execute(conn)?;
    Ok(Some(account))
}

/// Signs the account out everywhere (after a password reset).
pub fn revoke_all_tokens(conn: &mut PgConnection, account: AccountId) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::account_id.eq(account))).execute(conn)
}

/// Rewrites the addresses stored before domains were kept in their ASCII form (IDNA), so
/// that signing in and sending find them. Idempotent; an address whose ASCII form belongs
/// to another account already is left as it is (and logged).
pub fn store_domains_in_ascii(conn: &mut PgConnection) -> QueryResult<usize> {
    let stored: Vec<(AccountId, String)> = accounts::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "email ~ '[^[:ascii:]]'",
        ))
        .select((accounts::id, accounts::email))
        .load(conn)?;
    let mut changed = 0;
    for (id, email) in stored {
        let Ok(ascii) = crate::domain::account::Email::parse_with(&email, true) else {
            continue;
        };
        if ascii.as_str() == email {
            continue;
        }
        if find_by_email(conn, &ascii)?.is_some() {
            tracing::warn!(account_id = %id, "two accounts share an address once its domain is in ASCII");
            continue;
        }
        diesel::update(accounts::table.find(id))
            .set(accounts::email.eq(ascii.as_str()))
            .execute(conn)?;
        changed += 1;
    }
    Ok(changed)
}

/// Who an email goes to: the address, the name and language it is written in, and the
/// account's preference for each family of events.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Recipient {
    pub id: AccountId,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
    pub notify_matches: Notifications,
    pub notify_exchanges: Notifications,
    pub notify_memberships: Notifications,
    pub notify_listings: Notifications,
    pub notify_alerts: Notifications,
    pub notify_messages: Notifications,
    pub notify_visits: Notifications,
}

impl Recipient {
    pub fn preference(&self, family: Family) -> Notifications {
        match family {
            Family::Matches => self.notify_matches,
            Family::Exchanges => self.notify_exchanges,
            Family::Memberships => self.notify_memberships,
            Family::Listings => self.notify_listings,
            Family::Alerts => self.notify_alerts,
            Family::Messages => self.notify_messages,
            Family::Visits => self.notify_visits,
        }
    }
}

/// The accounts of an enterprise.
pub fn recipients_of_enterprise(
    conn: &mut PgConnection,
    enterprise: EnterpriseId,
) -> QueryResult<Vec<Recipient>> {
    accounts::table
        .inner_join(enterprise_accounts::table)
        .filter(enterprise_accounts::enterprise_id.eq(enterprise))
        .select(Recipient::as_select())
        .load(conn)
}

/// The coordinators of these pôles.
pub fn recipients_coordinating(
    conn: &mut PgConnection,
    poles: &[PoleId],
) -> QueryResult<Vec<Recipient>> {
    accounts::table
        .inner_join(pole_coordinators::table)
        .filter(pole_coordinators::pole_id.eq_any(poles))
        .select(Recipient::as_select())
        .load(conn)
}

/// These accounts.
pub fn recipients(conn: &mut PgConnection, ids: &[AccountId]) -> QueryResult<Vec<Recipient>> {
    accounts::table
        .filter(accounts::id.eq_any(ids))
        .select(Recipient::as_select())
        .load(conn)
}
