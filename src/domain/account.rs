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

crate::named!(Role { Admin => "admin", Coordinator => "coordinator", Member => "member" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    Fr,
    En,
}

crate::named!(Locale { Fr => "fr", En => "en" });

/// How an account wants to hear about events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Notifications {
    Instant,
    Daily,
    Off,
}

crate::named!(Notifications { Instant => "instant", Daily => "daily", Off => "off" });

/// How soon an alert's owner hears of a listing that fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AlertFrequency {
    Instant,
    Daily,
}

crate::named!(AlertFrequency { Instant => "instant", Daily => "daily" });

impl AlertFrequency {
    /// As a notification choice, to be capped by the `alerts` family's preference.
    pub fn as_notifications(self) -> Notifications {
        match self {
            AlertFrequency::Instant => Notifications::Instant,
            AlertFrequency::Daily => Notifications::Daily,
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
    /// Messages in my conversations.
    Messages,
    /// Learning visits: new ones, registrations, reminders, cancellations.
    Visits,
}

crate::named!(Family {
    Matches => "matches",
    Exchanges => "exchanges",
    Memberships => "memberships",
    Listings => "listings",
    Alerts => "alerts",
    Messages => "messages",
    Visits => "visits",
});

/// An account's choice for each family of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Preferences {
    pub matches: Notifications,
    pub exchanges: Notifications,
    pub memberships: Notifications,
    pub listings: Notifications,
    pub alerts: Notifications,
    pub messages: Notifications,
    pub visits: Notifications,
}

impl Preferences {
    pub fn all(choice: Notifications) -> Preferences {
        Preferences {
            matches: choice,
            exchanges: choice,
            memberships: choice,
            listings: choice,
            alerts: choice,
            messages: choice,
            visits: choice,
        }
    }

    pub fn get(&self, family: Family) -> Notifications {
        match family {
            Family::Matches => self.matches,
            Family::Exchanges => self.exchanges,
            Family::Memberships => self.memberships,
            Family::Listings => self.listings,
            Family::Alerts => self.alerts,
            Family::Messages => self.messages,
            Family::Visits => self.visits,
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

/// An e-mail address, trimmed and lower-cased so that comparisons ignore case, with its
/// domain in the ASCII form mail servers route (IDNA, RFC 5891, through the `idna` crate's
/// UTS #46 processing): `camille@exémple.fr` is kept as `camille@xn--exmple-cva.fr`, which
/// every server accepts. A local part that is not ASCII (`josé@…`) needs SMTPUTF8
/// (RFC 6531) all the way; it is accepted only when the caller says the configured mail
/// server announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

/// Longest address (RFC 5321 §4.5.3.1.3: a path of 256 octets, less the angle brackets).
const EMAIL_MAX_OCTETS: usize = 254;
/// Longest local part (RFC 5321 §4.5.3.1.1).
const LOCAL_PART_MAX_OCTETS: usize = 64;

impl Email {
    /// An address whose local part is ASCII (see [`Email::parse_with`]).
    pub fn parse(input: &str) -> Result<Email, Invalid> {
        Self::parse_with(input, false)
    }

    /// Errors: `email` (not an address), `email_not_ascii` (the local part is not ASCII and
    /// `utf8_local_part` is false: the mail server could not deliver to it).
    pub fn parse_with(input: &str, utf8_local_part: bool) -> Result<Email, Invalid> {
        let invalid = || Invalid::new("email");
        let email = input.trim().to_lowercase();
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        let domain = idna::domain_to_ascii(domain).map_err(|_| invalid())?;
        if domain.is_empty() || local.is_empty() || local.len() > LOCAL_PART_MAX_OCTETS {
            return Err(invalid());
        }
        let checked_local = if local.is_ascii() {
            local
        } else if !utf8_local_part {
            return Err(Invalid::new("email_not_ascii"));
        } else if local_part_is_utf8_atext(local) {
            // Checked on its own; the rest of the address is checked with a stand-in.
            "x"
        } else {
            return Err(invalid());
        };
        let ascii = format!("{checked_local}@{domain}");
        if ascii.len() > EMAIL_MAX_OCTETS || !validator::ValidateEmail::validate_email(&ascii) {
            return Err(invalid());
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A dot-atom local part in which UTF-8 letters are allowed (RFC 6531 §3.3).
fn local_part_is_utf8_atext(local: &str) -> bool {
    const ASCII_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";
    !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || ASCII_SPECIALS.contains(c)
                || c == '.'
                || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
        })
}

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks a new password's length; the hash itself is made in `models::account`.
pub fn check_password(password: &str) -> Result<(), Invalid> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(Invalid::new("password_too_short").with("min", PASSWORD_MIN_CHARS));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(Invalid::new("password_too_long").with("max", PASSWORD_MAX_CHARS));
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
    fn international_domains_are_kept_in_their_ascii_form() {
        assert_eq!(
            Email::parse("Camille@Exémple.fr").unwrap().as_str(),
            "camille@xn--exmple-cva.fr"
        );
        // The same address typed either way is one address.
        assert_eq!(
            Email::parse("camille@xn--exmple-cva.fr").unwrap(),
            Email::parse("camille@exémple.fr").unwrap()
        );
        assert_eq!(
            Email::parse("jean@bücher.de").unwrap().as_str(),
            "jean@xn--bcher-kva.de"
        );
        for bad in [
            "camille@",
            "@exemple.fr",
            "camille@ex mple.fr",
            "a@b@",
            "camille@-.fr",
        ] {
            assert_eq!(Email::parse(bad).unwrap_err().code, "email", "{bad}");
        }
    }

    #[test]
    fn a_non_ascii_local_part_needs_smtputf8() {
        assert_eq!(
            Email::parse("josé@exemple.fr").unwrap_err().code,
            "email_not_ascii"
        );
        assert_eq!(
            Email::parse_with("josé@exemple.fr", true).unwrap().as_str(),
            "josé@exemple.fr"
        );
        assert_eq!(
            Email::parse_with("josé@exémple.fr", true).unwrap().as_str(),
            "josé@xn--exmple-cva.fr"
        );
        assert_eq!(
            Email::parse_with("jo sé@exemple.fr", true)
                .unwrap_err()
                .code,
            "email"
        );
        assert_eq!(
            Email::parse_with(".josé@exemple.fr", true)
                .unwrap_err()
                .code,
            "email"
        );
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
