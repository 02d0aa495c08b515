//! Typed settings, loaded once at start and passed explicitly (no global state).

use std::path::PathBuf;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

const DEFAULT_SECRET: &str = "insecure-development-secret-change-me-insecure-development-secret";

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub mail: MailSettings,
    pub app: AppSettings,
    pub log: LogSettings,
    pub limits: LimitSettings,
    #[serde(default)]
    pub messages: MessageSettings,
    #[serde(default)]
    pub exchanges: ExchangeSettings,
}

/// `[messages]`: conversations.
#[derive(Debug, Clone, Deserialize)]
pub struct MessageSettings {
    /// Seconds between a message and the email about it: the messages written meanwhile
    /// go in the same email (default 300).
    #[serde(default = "MessageSettings::default_delay")]
    pub notice_delay_secs: u64,
}

impl MessageSettings {
    fn default_delay() -> u64 {
        300
    }
}

impl Default for MessageSettings {
    fn default() -> Self {
        MessageSettings {
            notice_delay_secs: Self::default_delay(),
        }
    }
}

/// `[exchanges]`: the follow-up of exchanges.
#[derive(Debug, Clone, Deserialize)]
pub struct ExchangeSettings {
    /// Days after which an exchange still agreed, with no transition since, gets its one
    /// reminder ("L'échange a-t-il eu lieu ?"; default 30).
    #[serde(default = "ExchangeSettings::default_follow_up")]
    pub follow_up_days: i64,
}

impl ExchangeSettings {
    fn default_follow_up() -> i64 {
        30
    }
}

impl Default for ExchangeSettings {
    fn default() -> Self {
        ExchangeSettings {
            follow_up_days: Self::default_follow_up(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub bind: String,
    pub workers: usize,
    /// Proxies (IP addresses) whose `X-Forwarded-For` names the client; from any other
    /// peer, the connection's own address is the client's.
    #[serde(default)]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// Abuse limits (`[limits]`), counted in PostgreSQL so they hold across app nodes.
#[derive(Debug, Clone, Deserialize)]
pub struct LimitSettings {
    /// `false` turns every limit off (trusted load and test runs).
    pub enabled: bool,
    pub login: Limit,
    pub password_reset: Limit,
    pub registration: Limit,
    pub proposals: Limit,
    pub contact_requests: Limit,
    pub messages: Limit,
}

/// At most `per_account` requests for one account (or e-mail address) and `per_address`
/// from one client address within `window_secs`; 0 means no limit of that kind.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Limit {
    #[serde(default)]
    pub per_account: u32,
    #[serde(default)]
    pub per_address: u32,
    pub window_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub replica_url: String,
    /// Reads leave the replica when it lags more than this (seconds).
    #[serde(default = "default_replica_max_lag")]
    pub replica_max_lag_secs: u64,
    pub pool_size: u32,
    pub connect_timeout_secs: u64,
    pub embedded_dir: PathBuf,
}

fn default_replica_max_lag() -> u64 {
    5
}

impl DatabaseSettings {
    /// No URL configured: the service runs its own PostgreSQL cluster.
    pub fn is_embedded(&self) -> bool {
        self.url.trim().is_empty()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    pub smtp_url: String,
    pub from: String,
    pub outbox_dir: PathBuf,
    pub poll_interval_ms: u64,
    pub retry_initial_secs: u64,
    pub retry_max_secs: u64,
    pub max_attempts: i32,
    /// The hour (0–23, Europe/Paris) the daily digests are sent.
    pub digest_hour: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AppSettings {
    pub base_url: String,
    pub secret: SecretString,
    pub token_ttl_days: i64,
    pub reference_dir: PathBuf,
    pub seed_demo_on_first_start: bool,
    #[serde(default)]
    pub environment: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: String,
    pub level: String,
}

impl Settings {
    /// Loads `config/default.toml`, then `config/{APP_ENV}.toml` when present, then
    /// `PTCE__SECTION__KEY` variables; `DATABASE_URL` overrides `database.url`.
    pub fn load() -> anyhow::Result<Settings> {
        let config_dir = std::env::var("PTCE_CONFIG_DIR").unwrap_or_else(|_| "config".into());
        let environment = std::env::var("APP_ENV").unwrap_or_else(|_| "development".into());
        let mut builder = config::Config::builder()
            .add_source(config::File::with_name(&format!("{config_dir}/default")))
            .add_source(
                config::File::with_name(&format!("{config_dir}/{environment}")).required(false),
            )
            .add_source(
                config::Environment::with_prefix("PTCE")
                    .prefix_separator("__")
                    .separator("__")
                    // Lists from the environment, comma-separated:
                    // PTCE__SERVER__TRUSTED_PROXIES=127.0.0.1,10.0.0.2
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("server.trusted_proxies"),
            )
            .set_override("app.environment", environment.clone())?;
        if let Ok(url) = std::env::var("DATABASE_URL") {
            builder = builder.set_override("database.url", url)?;
        }
        let settings: Settings = builder
            .build()
            .context("reading configuration")?
            .try_deserialize()
            .context("configuration is invalid")?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.app.environment == "production" {
            let secret = self.app.secret.expose_secret();
            if secret == DEFAULT_SECRET || secret.len() < 32 {
                anyhow::bail!(
                    "APP_ENV=production needs its own app.secret (PTCE__APP__SECRET), at least 32 characters"
                );
            }
        }
        if self.mail.digest_hour > 23 {
            anyhow::bail!("mail.digest_hour is an hour of the day, 0 to 23");
        }
        for (name, limit) in [
            ("login", self.limits.login),
            ("password_reset", self.limits.password_reset),
            ("registration", self.limits.registration),
            ("proposals", self.limits.proposals),
            ("contact_requests", self.limits.contact_requests),
            ("messages", self.limits.messages),
        ] {
            if limit.window_secs == 0 {
                anyhow::bail!("limits.{name}.window_secs must be at least 1");
            }
        }
        if self.database.pool_size == 0 {
            anyhow::bail!("database.pool_size must be at least 1");
        }
        Ok(())
    }

    pub fn base_url(&self) -> &str {
        self.app.base_url.trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// nextest runs each test in its own process, so setting variables here is safe.
    #[test]
    fn lists_and_numbers_come_from_the_environment() {
        std::env::set_var(
            "PTCE_CONFIG_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
        );
        std::env::set_var("PTCE__SERVER__TRUSTED_PROXIES", "127.0.0.1,10.0.0.2");
        std::env::set_var("PTCE__DATABASE__REPLICA_MAX_LAG_SECS", "2");
        std::env::set_var("PTCE__APP__SECRET", "1234567890");
        let settings = Settings::load().unwrap();
        assert_eq!(settings.server.trusted_proxies.len(), 2);
        assert_eq!(settings.database.replica_max_lag_secs, 2);
        assert_eq!(settings.database.replica_url, "");
    }
}
