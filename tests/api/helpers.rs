//! The test harness: a real server on a random port, a private PostgreSQL database per
//! test cloned from a migrated template, a real SMTP server on loopback, a real HTTP client.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::Bool;
use ptce_exchange::clock::Clock;
use ptce_exchange::config::Settings;
use ptce_exchange::db::{self, DbPool};
use ptce_exchange::domain::account::Email;
use ptce_exchange::models::{account, reference_import};
use ptce_exchange::startup::Application;
use reqwest::{Method, Response};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::smtp::{SmtpOptions, SmtpServer};

/// The PostgreSQL server the tests use: `DATABASE_URL` (any database on it) or the local one.
pub fn server_url() -> String {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let url = url.split('?').next().unwrap_or_default().to_string();
    match url.rfind('/') {
        Some(index) if index > "postgres://".len() => url[..index].to_string(),
        _ => url,
    }
}

/// Loopback connections need no TLS; without it libpq never loads OpenSSL, whose clean-up
/// at process exit can crash a test process that still has connections open.
pub fn database_url(name: &str) -> String {
    format!("{}/{name}?sslmode=disable", server_url())
}

fn admin_connection() -> PgConnection {
    db::connect(&database_url("postgres")).expect("connecting to the test PostgreSQL server")
}

/// The template's name changes whenever a migration or a reference file changes, so an
/// edited schema never meets a stale template.
fn template_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let mut hasher = Sha256::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["migrations", "data/reference"] {
            let mut files: Vec<_> = walk(&root.join(dir));
            files.sort();
            for file in files {
                hasher.update(file.to_string_lossy().as_bytes());
                hasher.update(std::fs::read(&file).expect("reading a migration"));
            }
        }
        format!("ptce_template_{}", &hex::encode(hasher.finalize())[..16])
    })
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("reading a folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    diesel::sql_query(format!(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}') AS exists"
    ))
    .get_result::<Exists>(conn)
    .expect("querying pg_database")
    .exists
}

/// Builds the template once per server: migrated, with reference data. Test processes
/// (nextest runs one per test) serialise on an advisory lock.
fn ensure_template() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let template = template_name();
        let mut conn = admin_connection();
        diesel::sql_query("SELECT pg_advisory_lock(727271)")
            .execute(&mut conn)
            .expect("advisory lock");
        if !database_exists(&mut conn, template) {
            let building = format!("{template}_building");
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                .execute(&mut conn)
                .unwrap();
            diesel::sql_query(format!("CREATE DATABASE {building}"))
                .execute(&mut conn)
                .unwrap();
            {
                let mut build = db::connect(&database_url(&building)).unwrap();
                db::run_migrations(&mut build).expect("migrating the template");
                reference_import::import(
                    &mut build,
                    &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reference"),
                )
                .expect("importing reference data into the template");
            }
            diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {template}"))
                .execute(&mut conn)
                .unwrap();
        }
        diesel::sql_query("SELECT pg_advisory_unlock(727271)")
            .execute(&mut conn)
            .unwrap();
    });
}

/// A database of one test's own, dropped with it.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub fn create() -> TestDatabase {
        ensure_template();
        let name = format!("ptce_test_{}", hex::encode(rand_bytes()));
        let mut conn = admin_connection();
        diesel::sql_query(format!(
            "CREATE DATABASE {name} TEMPLATE {} STRATEGY FILE_COPY",
            template_name()
        ))
        .execute(&mut conn)
        .expect("cloning the template database");
        TestDatabase {
            url: database_url(&name),
            name,
        }
    }
}

impl TestDatabase {
    /// An empty database, for testing migrations themselves.
    pub fn create_empty() -> TestDatabase {
        let name = format!("ptce_test_{}", hex::encode(rand_bytes()));
        let mut conn = admin_connection();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("creating an empty database");
        TestDatabase {
            url: database_url(&name),
            name,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let mut conn = admin_connection();
        let _ = diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut conn);
    }
}

fn rand_bytes() -> [u8; 8] {
    let mut bytes = [0u8; 8];
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mut hasher = Sha256::new();
    hasher.update(nanos.to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    hasher.update(
        COUNTER
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_le_bytes(),
    );
    bytes.copy_from_slice(&hasher.finalize()[..8]);
    bytes
}

/// Settings for a test server: random port, the given database, the test SMTP server.
pub fn test_settings(database_url: &str, smtp: &SmtpServer) -> Settings {
    std::env::set_var(
        "PTCE_CONFIG_DIR",
        concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
    );
    let mut settings = Settings::load().expect("loading settings");
    settings.server.bind = "127.0.0.1:0".into();
    settings.server.workers = 2;
    settings.database.url = database_url.to_string();
    settings.database.pool_size = 8;
    settings.database.connect_timeout_secs = 2;
    settings.mail.smtp_url = smtp.url();
    settings.mail.poll_interval_ms = 50;
    settings.mail.retry_initial_secs = 1;
    settings.mail.retry_max_secs = 2;
    settings.app.reference_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/reference").into();
    settings.app.seed_demo_on_first_start = false;
    // Abuse limits are tested on their own (tests/api/limits.rs): other tests send many
    // requests from one address.
    settings.limits.enabled = false;
    settings
}

pub struct TestApp {
    pub address: String,
    base_url: String,
    pub pool: DbPool,
    pub client: reqwest::Client,
    pub smtp: SmtpServer,
    /// Signs and checks the links of emails as the service does.
    pub links: ptce_exchange::email::events::Links,
    /// The service's clock (the system's unless spawned with [`TestApp::spawn_at`]).
    pub clock: Clock,
    /// Held so the database lives as long as the app and is dropped with it.
    db: TestDatabase,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with settings adjusted by `adjust` (after the test defaults).
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_with_clock(adjust, Clock::system()).await
    }

    /// Spawns with a clock the test sets (`app.clock.set(…)`), for dates around midnight
    /// and daylight saving time without waiting.
    pub async fn spawn_at(now: chrono::DateTime<chrono::Utc>) -> TestApp {
        Self::spawn_with_clock(|_| {}, Clock::manual(now)).await
    }

    pub async fn spawn_with_clock(adjust: impl FnOnce(&mut Settings), clock: Clock) -> TestApp {
        Self::spawn_custom(adjust, clock, SmtpOptions::default()).await
    }

    /// Spawns beside a mail server that behaves as `smtp` says.
    pub async fn spawn_with_smtp(smtp: SmtpOptions) -> TestApp {
        Self::spawn_custom(|_| {}, Clock::system(), smtp).await
    }

    pub async fn spawn_custom(
        adjust: impl FnOnce(&mut Settings),
        clock: Clock,
        smtp: SmtpOptions,
    ) -> TestApp {
        let smtp = SmtpServer::start_with(0, smtp).await;
        let db = tokio::task::spawn_blocking(TestDatabase::create)
            .await
            .unwrap();
        let mut settings = test_settings(&db.url, &smtp);
        adjust(&mut settings);
        if std::env::var_os("TEST_LOG").is_some() {
            ptce_exchange::telemetry::init(&settings.log);
        }
        let base_url = settings.base_url().to_string();
        let links =
            ptce_exchange::email::events::Links::new(&base_url, settings.app.secret.clone());
        let app = Application::build_with_clock(settings, clock.clone())
            .await
            .expect("building the application");
        let port = app.port();
        let pool = app.pool();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            base_url,
            pool,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            smtp,
            links,
            clock,
            db,
        }
    }

    /// A second app node on this test's database (its own port, pool and worker), as
    /// behind a load balancer; returns its address.
    pub async fn second_node(&self, adjust: impl FnOnce(&mut Settings)) -> String {
        let mut settings = test_settings(self.database_url(), &self.smtp);
        adjust(&mut settings);
        let app = Application::build_with_clock(settings, self.clock.clone())
            .await
            .expect("building the second node");
        let port = app.port();
        tokio::spawn(app.run_until_stopped());
        format!("http://127.0.0.1:{port}")
    }

    /// Runs the worker's upkeep as if it were `now` (expiry, expiry notices, digests,
    /// message notices, follow-ups after the default 30 days).
    pub async fn housekeeping_at(&self, now: chrono::DateTime<chrono::Utc>, digest_hour: u32) {
        let links = self.links.clone();
        self.with_conn(move |conn| {
            ptce_exchange::ops::upkeep::run(conn, &links, now, digest_hour, 30).unwrap()
        })
        .await
    }

    /// The service's `app.base_url`, as links in emails spell it.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    pub fn database_url(&self) -> &str {
        &self.db.url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("sending the request")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::PATCH, path, token, Some(body)).await
    }

    /// Registers an account and returns its token and id.
    pub async fn register(&self, email: &str) -> (String, i64) {
        let response = self
            .post(
                "/api/v1/auth/register",
                None,
                &json!({"email": email, "password": "correct horse battery", "display_name": "Test Person"}),
            )
            .await;
        assert_eq!(response.status(), 201, "registering {email}");
        let body: Value = response.json().await.unwrap();
        (
            body["token"].as_str().unwrap().to_string(),
            body["account"]["id"].as_i64().unwrap(),
        )
    }

    /// Creates an admin directly in the database and signs it in.
    pub async fn admin_token(&self) -> String {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            let hash = account::hash_password("admin password 1").unwrap();
            account::upsert_admin(
                &mut conn,
                &Email::parse("admin@test.fr").unwrap(),
                &hash,
                "Admin",
            )
            .unwrap();
        })
        .await
        .unwrap();
        let response = self
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": "admin@test.fr", "password": "admin password 1"}),
            )
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    }

    /// Creates a pôle as admin.
    pub async fn create_pole(
        &self,
        admin: &str,
        slug: &str,
        commune: &str,
        departements: &[&str],
    ) -> Value {
        let response = self
            .post(
                "/api/v1/poles",
                Some(admin),
                &json!({"slug": slug, "name": format!("Pôle {slug}"), "description": "Un pôle de test", "commune": commune, "departements": departements}),
            )
            .await;
        assert_eq!(response.status(), 201, "creating pôle {slug}");
        response.json().await.unwrap()
    }

    /// Registers a coordinator account and appoints it to the pôle; returns its token.
    pub async fn coordinator_of(&self, admin: &str, slug: &str, email: &str) -> String {
        let (token, _) = self.register(email).await;
        let response = self
            .post(
                &format!("/api/v1/poles/{slug}/coordinators"),
                Some(admin),
                &json!({"email": email}),
            )
            .await;
        assert_eq!(response.status(), 200);
        token
    }

    /// Creates an enterprise for `token` in the given pôles; returns its JSON.
    pub async fn create_enterprise(&self, token: &str, siret: &str, poles: &[&str]) -> Value {
        let response = self
            .post(
                "/api/v1/enterprises",
                Some(token),
                &json!({
                    "siret": siret, "name": "Menuiserie du Royans", "legal_form": "scop", "ess": true,
                    "naf": "16.23Z", "commune": "26281", "headcount": 8, "poles": poles,
                }),
            )
            .await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "creating enterprise: {body}");
        body
    }

    /// Waits until the SMTP server has received `count` messages.
    pub async fn wait_for_emails(&self, count: usize) -> Vec<crate::smtp::ReceivedMail> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let received = self.smtp.received();
            if received.len() >= count || Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs a closure on a pooled connection.
    pub async fn with_conn<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut PgConnection) -> T + Send + 'static,
    ) -> T {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || f(&mut pool.get().unwrap()))
            .await
            .unwrap()
    }
}

/// Asserts a problem+json answer with this status and returns its body.
pub async fn assert_problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string());
    assert!(body["type"].is_string());
    body
}

/// The fields named in a 422 answer.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A valid SIRET, different for each `n`.
pub fn siret(n: u64) -> String {
    ptce_exchange::domain::siret::siret_for(80_000_000 + n as u32, 1)
}

/// A small market: one pôle with its coordinator, and approved enterprises whose accounts
/// post listings.
pub struct Market {
    pub coordinator: String,
    /// (token, enterprise id) of each member enterprise.
    pub members: Vec<(String, i64)>,
}

impl Market {
    pub async fn open(app: &TestApp, enterprises: usize) -> Market {
        let admin = app.admin_token().await;
        app.create_pole(&admin, "pole-a", "26281", &["26", "07", "38", "69"])
            .await;
        let coordinator = app
            .coordinator_of(&admin, "pole-a", "coordination@pole-a.fr")
            .await;
        let mut members = Vec::new();
        for n in 0..enterprises {
            let (token, _) = app.register(&format!("member{n}@example.fr")).await;
            let created = app
                .create_enterprise(&token, &siret(n as u64), &["pole-a"])
                .await;
            let id = created["id"].as_i64().unwrap();
            let response = app
                .post(
                    &format!("/api/v1/poles/pole-a/members/{id}/approve"),
                    Some(&coordinator),
                    &json!({}),
                )
                .await;
            assert_eq!(response.status(), 200);
            members.push((token, id));
        }
        Market {
            coordinator,
            members,
        }
    }
}

/// A listing body with sensible defaults, overridden by `fields`.
pub fn listing_body(enterprise_id: i64, kind: &str, fields: Value) -> Value {
    let mut body = json!({
        "enterprise_id": enterprise_id,
        "kind": kind,
        "category": "local_resource",
        "title": "Chutes de chêne massif",
        "description": "Des chutes de chêne sec, idéales pour la menuiserie.",
        "naf": "16.10A",
        "commune": "26281",
        "radius_km": 50,
        "details": {"resource_type": "by_product", "recurrence": "recurring", "material": "wood"},
        "publish": true,
    });
    for (key, value) in fields.as_object().expect("an object").iter() {
        body[key] = value.clone();
    }
    body
}

impl TestApp {
    /// Posts a listing and returns its JSON (asserting 201).
    pub async fn create_listing(&self, token: &str, body: &Value) -> Value {
        let response = self.post("/api/v1/listings", Some(token), body).await;
        let status = response.status();
        let json: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "creating a listing: {json}");
        json
    }
}

/// A browser-like client (cookies kept, redirects not followed) that has opened a page with
/// a form: returns the client and the form's CSRF token.
pub async fn anonymous_form_session(app: &TestApp, path: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let html = client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    let end = start + html[start..].find('"').unwrap();
    (client, html[start..end].to_string())
}

/// A browser-like session signed in through the login form: cookies kept, redirects not
/// followed; each form is posted with the CSRF token of the page it was read from.
pub struct WebSession {
    pub client: reqwest::Client,
    base: String,
}

impl WebSession {
    pub async fn sign_in(app: &TestApp, email: &str) -> WebSession {
        let (client, csrf) = anonymous_form_session(app, "/login").await;
        let response = client
            .post(app.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", "correct horse battery"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "signing in {email}");
        WebSession {
            client,
            base: app.address.clone(),
        }
    }

    /// The page's status and HTML.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Posts a form with the CSRF token of `from` (the page that shows it).
    pub async fn post(
        &self,
        from: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (_, html) = self.page(from).await;
        let csrf = input_value(&html, "csrf").expect("a CSRF field");
        let mut pairs: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        pairs.extend_from_slice(fields);
        self.client
            .post(format!("{}{action}", self.base))
            .form(&pairs)
            .send()
            .await
            .unwrap()
    }
}

/// The value of the first `<input name="…">` of a page (HTML entities decoded).
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    let at = html.find(&needle)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value_at = tag.find("value=\"")? + 7;
    let value_end = value_at + tag[value_at..].find('"')?;
    Some(
        tag[value_at..value_end]
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}
