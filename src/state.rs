//! What every request can reach: the database pool, the settings, the clock, the metrics
//! and what the mail server carries. Shared by the API and the pages; nodes keep no other
//! state, so any number of them can serve behind a load balancer.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::email::mailer::MailCapabilities;
use crate::error::AppResult;
use crate::links::Links;
use crate::metrics::Metrics;
use crate::ops::Env;

pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// Now and today (Paris); tests set it.
    pub clock: Clock,
    /// What the mail server carries (SMTPUTF8), as the worker last asked.
    pub mail: MailCapabilities,
}

impl AppState {
    /// Link builder for the emails a request causes.
    pub fn links(&self) -> Links {
        Links::new(self.settings.base_url(), self.settings.app.secret.clone())
    }

    /// What operations need besides a connection.
    pub fn env(&self) -> Env {
        Env {
            clock: self.clock.clone(),
            links: self.links(),
            settings: self.settings.clone(),
            mail: self.mail.clone(),
        }
    }

    /// Runs an operation on the blocking pool with a pooled connection and the
    /// operations' environment.
    pub async fn run<T, F>(&self, operation: F) -> AppResult<T>
    where
        F: FnOnce(&mut diesel::PgConnection, &Env) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let env = self.env();
        db::run(&self.pool, move |conn| operation(conn, &env)).await
    }
}
