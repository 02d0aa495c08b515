//! Command line: `ptce [serve|migrate|import-reference|seed-demo|worker|create-admin|
//! evaluate-matching|…]`.

use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio::sync::watch;

use crate::config::Settings;
use crate::domain::account::{check_password, Email};
use crate::email::worker::{self, WorkerSettings};
use crate::email::Mailer;
use crate::models::{account, reference_import};
use crate::startup::{prepare_database, Application};
use crate::{db, seed};

#[derive(Debug, Parser)]
#[command(
    name = "ptce",
    version,
    about = "PTCE Exchange: the marketplace of the pôles territoriaux de coopération économique"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service and the email worker (the default).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Load the reference CSV files (communes, EPCI, départements, régions, NAF); idempotent.
    ImportReference,
    /// Load the demo pôles, enterprises and accounts (skipped when present).
    SeedDemo,
    /// Run only the email worker.
    Worker,
    /// Put emails parked as dead back in the queue: one (`--id`) or all.
    RetryDeadMail {
        #[arg(long)]
        id: Option<i64>,
    },
    /// Generate synthetic open listings (benchmarks): adds listings until `count` exist.
    GenerateListings {
        #[arg(long, default_value_t = 1_000_000)]
        count: i64,
        /// Synthetic enterprises that own them.
        #[arg(long, default_value_t = 2_000)]
        enterprises: i64,
    },
    /// Fill the database with synthetic saved-search alerts (benchmarks).
    GenerateAlerts {
        #[arg(long, default_value_t = 100_000)]
        count: i64,
        /// Synthetic accounts that own them.
        #[arg(long, default_value_t = 20_000)]
        accounts: i64,
    },
    /// Measure matching on a labelled set (default data/evaluation/matching-fr.json) in a
    /// scratch database: precision@5, recall@10, mean reciprocal rank.
    EvaluateMatching {
        /// The set, in the format of data/evaluation/README.md.
        file: Option<std::path::PathBuf>,
    },
    /// Create an admin account, or promote an existing one and set its password.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, env = "PTCE_ADMIN_PASSWORD")]
        password: String,
    },
}

pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings.clone()).await?;
            tracing::info!(port = app.port(), "PTCE Exchange listening");
            println!("PTCE Exchange is running on http://{}", display_address(&settings.server.bind, app.port()));
            app.run_until_stopped().await
        }
        Command::Migrate => blocking(move || {
            let database = prepare_database(&settings)?;
            println!("Database migrated: {}", redact(&database.url));
            Ok(())
        })
        .await,
        Command::ImportReference => blocking(move || {
            let database = prepare_database(&settings)?;
            let mut conn = db::connect(&database.url)?;
            let started = Instant::now();
            let counts = reference_import::import(&mut conn, &settings.app.reference_dir)?;
            println!(
                "Imported {} régions, {} départements, {} EPCI, {} communes, {} arrondissements and {} NAF codes in {} ms",
                counts.regions,
                counts.departements,
                counts.epcis,
                counts.communes,
                counts.arrondissements,
                counts.naf_codes,
                started.elapsed().as_millis()
            );
            Ok(())
        })
        .await,
        Command::SeedDemo => blocking(move || {
            let database = prepare_database(&settings)?;
            let mut conn = db::connect(&database.url)?;
            let summary = seed::seed_demo(&mut conn)?;
            if summary.created {
                summary.print(settings.base_url());
            } else {
                println!("Demo data is present already; nothing changed.");
            }
            Ok(())
        })
        .await,
        Command::Worker => {
            let database = blocking({
                let settings = settings.clone();
                move || prepare_database(&settings)
            })
            .await?;
            let pool = db::build_pool(
                &database.url,
                settings.database.pool_size,
                std::time::Duration::from_secs(settings.database.connect_timeout_secs),
            );
            let mailer = Mailer::from_settings(&settings.mail)?;
            let (stop, stopped) = watch::channel(false);
            let worker = tokio::spawn(worker::run(pool, mailer, WorkerSettings::from_settings(&settings, crate::ops::upkeep::run), stopped));
            shutdown_signal().await;
            let _ = stop.send(true);
            worker.await.context("email worker")?;
            drop(database.embedded);
            Ok(())
        }
        Command::RetryDeadMail { id } => blocking(move || {
            let database = prepare_database(&settings)?;
            let mut conn = db::connect(&database.url)?;
            let retried = crate::models::outbox::retry_dead(&mut conn, id.map(crate::models::ids::OutboxId))?;
            println!("{retried} dead email(s) queued again");
            Ok(())
        })
        .await,
        Command::GenerateListings { count, enterprises } => blocking(move || {
            let database = prepare_database(&settings)?;
            let started = Instant::now();
            let added = crate::synthetic::generate_listings(&database.url, count, enterprises)?;
            println!("Added {added} listings in {} s", started.elapsed().as_secs());
            Ok(())
        })
        .await,
        Command::GenerateAlerts { count, accounts } => blocking(move || {
            let database = prepare_database(&settings)?;
            let started = Instant::now();
            let added = crate::synthetic::generate_alerts(&database.url, count, accounts)?;
            println!("Added {added} alerts in {} s", started.elapsed().as_secs());
            Ok(())
        })
        .await,
        Command::EvaluateMatching { file } => blocking(move || {
            let path = file.unwrap_or_else(|| crate::evaluation::DEFAULT_SET.into());
            let set = crate::evaluation::read(&path)?;
            let database = prepare_database(&settings)?;
            let reference_dir = settings.app.reference_dir.clone();
            let env = crate::ops::Env::for_commands(&settings);
            let started = Instant::now();
            let figures = db::with_scratch_database(&database.url, |conn, _| {
                reference_import::import(conn, &reference_dir)?;
                crate::evaluation::run(conn, &env, &set)
            })?;
            println!("{} ({})", set.name, path.display());
            println!("{figures}");
            println!("in {:.1} s", started.elapsed().as_secs_f64());
            let below = figures.precision_at_5 < crate::evaluation::PRECISION_AT_5_FLOOR
                || figures.recall_at_10 < crate::evaluation::RECALL_AT_10_FLOOR;
            if below {
                println!(
                    "below the floors (precision@5 {}, recall@10 {})",
                    crate::evaluation::PRECISION_AT_5_FLOOR,
                    crate::evaluation::RECALL_AT_10_FLOOR
                );
            }
            Ok(())
        })
        .await,
        Command::CreateAdmin { email, password } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            check_password(&password).map_err(|e| anyhow::anyhow!("--password: {e}"))?;
            blocking(move || {
                let database = prepare_database(&settings)?;
                let mut conn = db::connect(&database.url)?;
                let hash = account::hash_password(&password)?;
                let admin = account::upsert_admin(&mut conn, &email, &hash, "Administrator")?;
                println!("{} is an admin (account {})", admin.email, admin.id);
                Ok(())
            })
            .await
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .context("task panicked")?
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

fn display_address(bind: &str, port: u16) -> String {
    let host = bind.rsplit_once(':').map_or(bind, |(host, _)| host);
    let host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
    format!("{host}:{port}")
}

/// Hides a password in a database URL before printing it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
