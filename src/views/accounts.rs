//! Accounts as the API and the pages show them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::account::{Locale, Preferences, Role};
use crate::models::account::Account;
use crate::models::ids::AccountId;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    pub id: AccountId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    /// For each family of events: instant email, daily digest, or off.
    pub notifications: Preferences,
    /// Whether the address was confirmed through the welcome email's link.
    pub email_verified: bool,
}

impl From<&Account> for AccountView {
    fn from(account: &Account) -> Self {
        AccountView {
            id: account.id,
            email: account.email.clone(),
            display_name: account.display_name.clone(),
            role: account.role,
            locale: account.locale,
            notifications: account.preferences(),
            email_verified: account.email_verified_at.is_some(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    pub account: AccountView,
    /// Bearer token for the `Authorization` header. Shown once; only its hash is stored.
    pub token: String,
}
