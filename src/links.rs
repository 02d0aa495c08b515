//! The absolute links the service hands out (in emails, mostly): pages on `app.base_url`,
//! and links signed with `app.secret` (HMAC-SHA256) that prove themselves without a stored
//! token: unsubscribe, email verification, one-click exchange follow-up.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::models::ids::AccountId;

/// Builds the absolute links of emails: pages on `app.base_url`, and unsubscribe links
/// signed with `app.secret` so they work without signing in.
#[derive(Clone, Debug)]
pub struct Links {
    base_url: String,
    secret: SecretString,
}

impl Links {
    pub fn new(base_url: &str, secret: SecretString) -> Links {
        Links {
            base_url: base_url.trim_end_matches('/').to_string(),
            secret,
        }
    }

    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// HMAC-SHA256 of `purpose:payload` with the service's secret: links that prove
    /// themselves without a stored token.
    fn signature(&self, purpose: &str, payload: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.expose_secret().as_bytes())
            .expect("HMAC takes any key");
        mac.update(format!("{purpose}:{payload}").as_bytes());
        mac
    }

    fn sign(&self, purpose: &str, account: AccountId, payload: &str) -> String {
        let mac = self.signature(purpose, payload);
        format!("{account}.{}", hex::encode(mac.finalize().into_bytes()))
    }

    /// The account a `sign`ed token names, when its signature holds for `payload(account)`.
    fn verify(
        &self,
        purpose: &str,
        token: &str,
        payload: impl FnOnce(AccountId) -> Option<String>,
    ) -> Option<AccountId> {
        let (id, signature) = token.trim().split_once('.')?;
        let account = AccountId(id.parse().ok()?);
        let expected = hex::decode(signature).ok()?;
        let payload = payload(account)?;
        self.signature(purpose, &payload)
            .verify_slice(&expected)
            .ok()?;
        Some(account)
    }

    pub fn unsubscribe_token(&self, account: AccountId) -> String {
        self.sign("unsubscribe", account, &account.to_string())
    }

    pub fn unsubscribe_url(&self, account: AccountId) -> String {
        self.page(&format!(
            "/unsubscribe?token={}",
            self.unsubscribe_token(account)
        ))
    }

    /// The account a token was signed for, when the signature holds.
    pub fn verify_unsubscribe(&self, token: &str) -> Option<AccountId> {
        self.verify("unsubscribe", token, |account| Some(account.to_string()))
    }

    /// A token for the welcome email's verification link: bound to the address, so it
    /// stops working if the address changes.
    pub fn email_verification_token(&self, account: AccountId, email: &str) -> String {
        self.sign("verify-email", account, &format!("{account}:{email}"))
    }

    pub fn email_verification_url(&self, account: AccountId, email: &str) -> String {
        self.page(&format!(
            "/verify-email?token={}",
            self.email_verification_token(account, email)
        ))
    }

    /// A one-click link of an exchange's follow-up: moves exchange `exchange` to `to`, for
    /// `account`, from the reminder sent at `nonce` (µs); single use (see
    /// `ops::follow_up`).
    pub fn follow_up_url(&self, exchange: i64, account: AccountId, to: &str, nonce: i64) -> String {
        let token = self.sign("follow-up", account, &format!("{exchange}:{to}:{nonce}"));
        self.page(&format!(
            "/exchanges/{exchange}/follow-up?to={to}&token={token}"
        ))
    }

    /// The account a follow-up token was signed for, when it holds for this exchange,
    /// status and reminder.
    pub fn verify_follow_up(
        &self,
        token: &str,
        exchange: i64,
        to: &str,
        nonce: i64,
    ) -> Option<AccountId> {
        self.verify("follow-up", token, |_| {
            Some(format!("{exchange}:{to}:{nonce}"))
        })
    }

    /// The account whose current address `email_of` returns, when the token was signed
    /// for that account and that address.
    pub fn verify_email_token(
        &self,
        token: &str,
        email_of: impl FnOnce(AccountId) -> Option<String>,
    ) -> Option<AccountId> {
        self.verify("verify-email", token, |account| {
            email_of(account).map(|email| format!("{account}:{email}"))
        })
    }
}
