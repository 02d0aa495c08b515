//! Accounts: e-mail addresses, passwords, roles and preferences.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Coordinator,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Member => "member",
        }
    }

    pub fn from_db(value: &str) -> Role {
        match value {
            "admin" => Role::Admin,
            "coordinator" => Role::Coordinator,
            _ => Role::Member,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    Fr,
    En,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    pub fn from_db(value: &str) -> Locale {
        if value == "en" {
            Locale::En
        } else {
            Locale::Fr
        }
    }
}

/// How an account wants to hear about events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Notifications {
    Instant,
    Daily,
    Off,
}

impl Notifications {
    pub fn as_str(self) -> &'static str {
        match self {
            Notifications::Instant => "instant",
            Notifications::Daily => "daily",
            Notifications::Off => "off",
        }
    }

    pub fn from_db(value: &str) -> Notifications {
        match value {
            "daily" => Notifications::Daily,
            "off" => Notifications::Off,
            _ => Notifications::Instant,
        }
    }
}

/// An e-mail address, trimmed and lower-cased so that comparisons ignore case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, Invalid> {
        let email = input.trim().to_lowercase();
        if email.len() > 254 || !validator::ValidateEmail::validate_email(&email) {
            return Err(Invalid::new("email", "This is not a valid e-mail address."));
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks a new password's length; the hash itself is made in `models::account`.
pub fn check_password(password: &str) -> Result<(), Invalid> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(Invalid::new(
            "password_too_short",
            format!("The password needs at least {PASSWORD_MIN_CHARS} characters."),
        ));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(Invalid::new(
            "password_too_long",
            format!("The password may have at most {PASSWORD_MAX_CHARS} characters."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("  Claire.Martin@Example.FR ")
                .unwrap()
                .as_str(),
            "claire.martin@example.fr"
        );
        assert!(Email::parse("not-an-email").is_err());
        assert!(Email::parse("").is_err());
    }

    #[test]
    fn passwords_need_ten_to_128_characters() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough").is_ok());
        assert!(check_password(&"x".repeat(129)).is_err());
    }
}
