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

/// The families of events an account can hear about, each with its own preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// New matches and the other side's answers.
    Matches,
    /// Exchanges created, their status, their transactions.
    Exchanges,
    /// Membership requests (coordinators) and approvals (enterprises).
    Memberships,
    /// My listings about to expire.
    Listings,
    /// Listings that fit my saved searches.
    Alerts,
}

impl Family {
    pub const ALL: [Family; 5] = [
        Family::Matches,
        Family::Exchanges,
        Family::Memberships,
        Family::Listings,
        Family::Alerts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Matches => "matches",
            Family::Exchanges => "exchanges",
            Family::Memberships => "memberships",
            Family::Listings => "listings",
            Family::Alerts => "alerts",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Family::Matches, Locale::Fr) => "Correspondances",
            (Family::Matches, Locale::En) => "Matches",
            (Family::Exchanges, Locale::Fr) => "Échanges",
            (Family::Exchanges, Locale::En) => "Exchanges",
            (Family::Memberships, Locale::Fr) => "Adhésions",
            (Family::Memberships, Locale::En) => "Memberships",
            (Family::Listings, Locale::Fr) => "Mes annonces",
            (Family::Listings, Locale::En) => "My listings",
            (Family::Alerts, Locale::Fr) => "Alertes",
            (Family::Alerts, Locale::En) => "Alerts",
        }
    }
}

/// An account's choice for each family of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Preferences {
    pub matches: Notifications,
    pub exchanges: Notifications,
    pub memberships: Notifications,
    pub listings: Notifications,
    pub alerts: Notifications,
}

impl Preferences {
    pub fn all(choice: Notifications) -> Preferences {
        Preferences {
            matches: choice,
            exchanges: choice,
            memberships: choice,
            listings: choice,
            alerts: choice,
        }
    }

    pub fn get(&self, family: Family) -> Notifications {
        match family {
            Family::Matches => self.matches,
            Family::Exchanges => self.exchanges,
            Family::Memberships => self.memberships,
            Family::Listings => self.listings,
            Family::Alerts => self.alerts,
        }
    }
}

impl Notifications {
    /// The less eager of two choices (off < daily < instant): an alert set to instant
    /// still waits for the digest when its family says daily.
    pub fn at_most(self, cap: Notifications) -> Notifications {
        fn rank(n: Notifications) -> u8 {
            match n {
                Notifications::Off => 0,
                Notifications::Daily => 1,
                Notifications::Instant => 2,
            }
        }
        if rank(self) <= rank(cap) {
            self
        } else {
            cap
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
    fn a_family_preference_caps_an_alert_frequency() {
        use Notifications::*;
        assert_eq!(Instant.at_most(Daily), Daily);
        assert_eq!(Daily.at_most(Instant), Daily);
        assert_eq!(Instant.at_most(Off), Off);
        assert_eq!(Instant.at_most(Instant), Instant);
    }

    #[test]
    fn passwords_need_ten_to_128_characters() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough").is_ok());
        assert!(check_password(&"x".repeat(129)).is_err());
    }
}
