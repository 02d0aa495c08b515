//! Logging: structured `tracing` output, pretty for people or JSON for collectors.

use std::io::IsTerminal;

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogSettings;

/// Installs the global subscriber; `RUST_LOG` overrides `log.level`. Calling it twice is
/// harmless (the second call keeps the first subscriber).
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{},actix_server=warn", settings.level)));
    // Colours only for a person at a terminal: a log file or a collector gets plain text
    // (and `NO_COLOR`, https://no-color.org, turns them off anyway).
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(colour);
    let _ = if settings.format == "json" {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}
