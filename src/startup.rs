//! Builds the application: database (embedded or configured), migrations, reference data,
//! the HTTP server and the email worker; runs them until a signal stops the server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::Server;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context;
use tokio::sync::watch;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::api;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::embedded::EmbeddedPostgres;
use crate::db::{self, DbPool};
use crate::email::mailer::MailCapabilities;
use crate::email::worker::{self, WorkerSettings};
use crate::email::Mailer;
use crate::metrics::Metrics;
use crate::models::reference_import;
use crate::openapi::ApiDoc;
use crate::seed;
use crate::state::AppState;

/// A database ready for the service: migrated, with reference data.
pub struct Database {
    pub url: String,
    /// Kept alive while the service runs; dropping it stops the private cluster.
    pub embedded: Option<EmbeddedPostgres>,
    /// The embedded database was created by this start.
    pub first_start: bool,
}

/// Connects to the configured database, or starts the embedded one; applies migrations and
/// imports the reference data when it is missing.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<Database> {
    let (url, embedded, first_start) = if settings.database.is_embedded() {
        let started = EmbeddedPostgres::start(&settings.database.embedded_dir)?;
        let url = started.cluster.url().to_string();
        (url, Some(started.cluster), started.first_start)
    } else {
        (settings.database.url.clone(), None, false)
    };
    let mut conn = db::connect(&url)?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    let rewritten = crate::models::account::store_domains_in_ascii(&mut conn)?;
    if rewritten > 0 {
        tracing::info!(rewritten, "e-mail domains rewritten in their ASCII form");
    }
    if !reference_import::is_current(&mut conn, &settings.app.reference_dir)? {
        let started = Instant::now();
        let counts = reference_import::import(&mut conn, &settings.app.reference_dir)?;
        tracing::info!(
            communes = counts.communes,
            naf = counts.naf_codes,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "reference data imported"
        );
    }
    Ok(Database {
        url,
        embedded,
        first_start,
    })
}

pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    mailer: Mailer,
    worker_settings: WorkerSettings,
    embedded: Option<EmbeddedPostgres>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Self::build_with_clock(settings, Clock::system()).await
    }

    /// As [`Application::build`], with the clock every request and the worker read
    /// (tests set the time instead of waiting for it).
    pub async fn build_with_clock(settings: Settings, clock: Clock) -> anyhow::Result<Application> {
        let settings_for_db = settings.clone();
        let database = tokio::task::spawn_blocking(move || prepare_database(&settings_for_db))
            .await
            .context("preparing the database")??;
        if database.first_start && settings.app.seed_demo_on_first_start {
            let url = database.url.clone();
            let summary =
                tokio::task::spawn_blocking(move || -> anyhow::Result<seed::DemoSummary> {
                    let mut conn = db::connect(&url)?;
                    seed::seed_demo(&mut conn)
                })
                .await??;
            summary.print(settings.base_url());
        }
        let pool = db::build_pool(
            &database.url,
            settings.database.pool_size,
            Duration::from_secs(settings.database.connect_timeout_secs),
        );
        let replica = match settings.database.replica_url.trim() {
            "" => None,
            url => Some(crate::db::replica::Replica::new(
                crate::db::replica::build_pool(url, settings.database.pool_size),
                Duration::from_secs(settings.database.replica_max_lag_secs),
            )),
        };
        let mailer = Mailer::from_settings(&settings.mail)?;
        let listener = TcpListener::bind(&settings.server.bind)
            .with_context(|| format!("binding {}", settings.server.bind))?;
        let port = listener.local_addr()?.port();
        let mut worker_settings = WorkerSettings::from_settings(&settings, crate::ops::upkeep::run);
        worker_settings.clock = clock.clone();
        let capabilities = MailCapabilities::default();
        capabilities.refresh(&settings.mail.smtp_url).await;
        worker_settings.capabilities = capabilities.clone();
        if let Some(replica) = &replica {
            tokio::spawn(crate::db::replica::keep_sampling(
                replica.clone(),
                pool.clone(),
            ));
        }
        let server = run_server(
            listener,
            pool.clone(),
            replica,
            settings,
            clock,
            capabilities,
        )?;
        Ok(Application {
            port,
            server,
            pool,
            mailer,
            worker_settings,
            embedded: database.embedded,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> DbPool {
        self.pool.clone()
    }

    /// Serves until SIGTERM or Ctrl-C; then lets in-flight requests finish, stops the
    /// email worker after its current message, and stops the embedded database.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop_worker, stopped) = watch::channel(false);
        let worker = tokio::spawn(worker::run(
            self.pool.clone(),
            self.mailer,
            self.worker_settings,
            stopped.clone(),
        ));
        let watchdog = self
            .embedded
            .map(|cluster| tokio::spawn(watch_embedded(cluster, self.server.handle(), stopped)));
        let result = self.server.await;
        let _ = stop_worker.send(true);
        let _ = worker.await;
        if let Some(watchdog) = watchdog {
            // The cluster comes back from the watchdog and is stopped here if ours.
            let cluster = watchdog.await.context("embedded PostgreSQL watchdog")?;
            let lost = cluster.is_err();
            drop(cluster);
            if lost {
                anyhow::bail!(
                    "the embedded PostgreSQL cluster stopped and could not be started again"
                );
            }
        }
        result.context("HTTP server")
    }
}

/// How often `serve` checks that its embedded cluster still runs.
const EMBEDDED_CHECK_EVERY: Duration = Duration::from_secs(3);

/// Keeps the embedded cluster running while the server serves: another command may stop
/// it, or it may be killed. It is started again on the same port; if that fails, the
/// server stops with a clear message rather than answering 503 for ever. Returns the
/// cluster (or the error) when the server stops.
async fn watch_embedded(
    cluster: EmbeddedPostgres,
    server: actix_web::dev::ServerHandle,
    mut stopped: watch::Receiver<bool>,
) -> Result<EmbeddedPostgres, anyhow::Error> {
    let cluster = Arc::new(std::sync::Mutex::new(cluster));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(EMBEDDED_CHECK_EVERY) => {}
            _ = stopped.changed() => break,
        }
        let checked = {
            let cluster = cluster.clone();
            tokio::task::spawn_blocking(move || {
                cluster
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .keep_running()
            })
            .await
        };
        match checked {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::error!(error = %format!("{error:#}"), "stopping the service");
                eprintln!("PTCE Exchange stops: {error:#}");
                server.stop(true).await;
                return Err(error);
            }
            Err(join) => tracing::warn!(error = %join, "embedded PostgreSQL check"),
        }
    }
    Arc::try_unwrap(cluster)
        .map_err(|_| anyhow::anyhow!("embedded PostgreSQL still in use"))
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
}

fn run_server(
    listener: TcpListener,
    pool: DbPool,
    replica: Option<Arc<crate::db::replica::Replica>>,
    settings: Settings,
    clock: Clock,
    mail: MailCapabilities,
) -> anyhow::Result<Server> {
    let workers = settings.server.workers;
    let metrics = Arc::new(Metrics::default());
    let state = web::Data::new(AppState {
        pool,
        replica,
        settings: Arc::new(settings),
        metrics: metrics.clone(),
        clock,
        mail,
        cache: Default::default(),
    });
    let openapi = ApiDoc::openapi();
    let mut server = HttpServer::new(move || {
        let metrics = metrics.clone();
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(api::json::BODY_LIMIT))
            .configure(api::extractor_config)
            .wrap_fn(move |req, srv| {
                use actix_web::dev::Service;
                let started = Instant::now();
                let method = req.method().to_string();
                let metrics = metrics.clone();
                let future = srv.call(req);
                async move {
                    let mut response = future.await?;
                    let route = response
                        .request()
                        .match_pattern()
                        .unwrap_or_else(|| "unmatched".into());
                    metrics.record(
                        &method,
                        &route,
                        response.status().as_u16(),
                        started.elapsed(),
                    );
                    response.headers_mut().insert(
                        header::X_CONTENT_TYPE_OPTIONS,
                        HeaderValue::from_static("nosniff"),
                    );
                    Ok(response)
                }
            })
            .wrap_fn(crate::http::read_after::record_writes)
            .wrap(TracingLogger::default())
            .route("/health/live", web::get().to(api::health::live))
            .route("/health/ready", web::get().to(api::health::ready))
            .route("/metrics", web::get().to(api::health::metrics))
            .route(
                "/api/docs",
                web::get().to(|| async {
                    HttpResponse::Found()
                        .insert_header((header::LOCATION, "/api/docs/"))
                        .finish()
                }),
            )
            .service(
                SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", openapi.clone()),
            )
            .service(
                web::scope("/api")
                    .wrap(api::problem_errors())
                    .service(web::scope("/v1").configure(api::routes))
                    .default_service(web::to(api::api_not_found)),
            )
            .configure(crate::web::routes)
    })
    .listen(listener)?
    .shutdown_timeout(20);
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}
