//! The `ptce` binary itself: embedded PostgreSQL, demo data, commands, graceful shutdown.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestDatabase};

const BINARY: &str = env!("CARGO_BIN_EXE_ptce");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn ptce(args: &[&str]) -> Command {
    let mut command = Command::new(BINARY);
    command
        .args(args)
        .env("PTCE_CONFIG_DIR", format!("{ROOT}/config"))
        .env("PTCE__APP__REFERENCE_DIR", format!("{ROOT}/data/reference"))
        .env("RUST_LOG", "warn");
    command
}

/// A scratch folder every user can traverse, since a root test runs PostgreSQL as `postgres`.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ptce-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

struct Service {
    child: Child,
    address: String,
    output: mpsc::Receiver<String>,
}

/// Starts `ptce serve` on an embedded database and waits for its address.
fn start_embedded(dir: &Path) -> (Service, Vec<String>) {
    let mut child = ptce(&["serve"])
        .env_remove("DATABASE_URL")
        .env("PTCE__DATABASE__EMBEDDED_DIR", dir.join("postgres"))
        .env("PTCE__MAIL__OUTBOX_DIR", dir.join("mail"))
        .env("PTCE__SERVER__BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting ptce serve");
    let stdout = child.stdout.take().unwrap();
    let (sender, output) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let address = loop {
        let line = output
            .recv_timeout(Duration::from_secs(180))
            .expect("ptce serve printed its address");
        lines.push(line.clone());
        if let Some(address) = line.strip_prefix("PTCE Exchange is running on ") {
            break address.trim().to_string();
        }
    };
    (
        Service {
            child,
            address,
            output,
        },
        lines,
    )
}

/// A test that fails before `stop` must not leave the service (and its PostgreSQL)
/// running: it is asked to stop, then killed.
impl Drop for Service {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SAFETY: sending a signal to our own child process.
            unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
            for _ in 0..100 {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Service {
    /// Sends SIGTERM and waits for a clean exit.
    fn stop(mut self) {
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "ptce serve exited with {status}");
                while self.output.try_recv().is_ok() {}
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("ptce serve did not stop within 30 s of SIGTERM");
    }
}

/// GETs `url` (with a bearer token when given) and returns its JSON.
async fn get_json(client: &reqwest::Client, url: String, token: Option<&str>) -> Value {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// Signs a demo account in and returns its token.
async fn demo_login(client: &reqwest::Client, base: &str, email: &str) -> String {
    let session: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": "ptce-demo-2026"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    session["token"].as_str().expect("a demo login").to_string()
}

#[tokio::test]
async fn serve_without_a_database_runs_its_own_postgres_with_demo_data_and_stops_it() {
    let dir = scratch_dir("embedded");
    let (service, lines) = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || start_embedded(&dir)
    })
    .await
    .unwrap();
    let banner = lines.join("\n");
    assert!(
        banner.contains("admin@demo.ptce.fr"),
        "demo logins are printed: {banner}"
    );
    assert!(banner.contains("ptce-demo-2026"));

    let client = reqwest::Client::new();
    let base = service.address.clone();
    let ready = client
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let poles: Value = get_json(&client, format!("{base}/api/v1/poles"), None).await;
    let poles = poles["items"].as_array().unwrap();
    assert_eq!(poles.len(), 12);
    assert!(poles
        .iter()
        .any(|p| p["slug"] == "pole-sud-archer" && p["commune"] == "26281"));
    let admin = demo_login(&client, &base, "admin@demo.ptce.fr").await;
    // Listings in all four categories, already matched.
    let listings: Value =
        get_json(&client, format!("{base}/api/v1/listings?limit=100"), None).await;
    let mut categories: Vec<&str> = listings["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["category"].as_str().unwrap())
        .collect();
    categories.sort();
    categories.dedup();
    assert_eq!(
        categories,
        vec![
            "business_takeover",
            "know_how",
            "local_resource",
            "relocated_production"
        ]
    );
    let member = demo_login(&client, &base, "karim.benali@demo.ptce.fr").await;
    let matches = get_json(&client, format!("{base}/api/v1/matches"), Some(&member)).await;
    let matches = matches["items"].as_array().unwrap();
    assert!(
        matches.len() >= 2,
        "the Ressourcerie's needs are matched: {matches:?}"
    );
    assert!(matches[0]["explanation"][0]["detail"]
        .as_str()
        .unwrap()
        .starts_with("Même"));
    // Exchanges in every status, with money in the flows.
    let exchanges: Value =
        get_json(&client, format!("{base}/api/v1/exchanges"), Some(&admin)).await;
    let mut statuses: Vec<&str> = exchanges["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(
        statuses,
        vec!["agreed", "cancelled", "completed", "in_progress"]
    );
    let flows: Value = get_json(
        &client,
        format!("{base}/api/v1/reports/flows"),
        Some(&admin),
    )
    .await;
    // 960.00 in the matched stories, 16,210.50 between enterprises of different pôles.
    assert_eq!(flows["total_amount"], "17170.50");
    let pid_file = dir.join("postgres/data/postmaster.pid");
    assert!(pid_file.exists(), "the cluster runs under the data folder");

    tokio::task::spawn_blocking(move || service.stop())
        .await
        .unwrap();
    assert!(
        !pid_file.exists(),
        "the embedded cluster stops with the service"
    );

    // The next start reuses the cluster and its data, without seeding again.
    let (service, lines) = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || start_embedded(&dir)
    })
    .await
    .unwrap();
    assert!(
        !lines.join("\n").contains("ptce-demo-2026"),
        "no second seeding"
    );
    let base = service.address.clone();
    let poles: Value = get_json(&client, format!("{base}/api/v1/poles"), None).await;
    assert_eq!(poles["items"].as_array().unwrap().len(), 12);
    tokio::task::spawn_blocking(move || service.stop())
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn create_admin_creates_then_promotes_an_account() {
    let app = TestApp::spawn().await;
    let (_, _) = app.register("future.admin@example.fr").await;
    let database_url = app.database_url().to_string();
    let output = tokio::task::spawn_blocking(move || {
        ptce(&[
            "create-admin",
            "--email",
            "Future.Admin@example.fr",
            "--password",
            "a strong admin password",
        ])
        .env("DATABASE_URL", database_url)
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "future.admin@example.fr", "password": "a strong admin password"}),
        )
        .await;
    assert_eq!(login.status(), 200);
    let body: Value = login.json().await.unwrap();
    assert_eq!(body["account"]["role"], "admin");

    let refused = tokio::task::spawn_blocking(|| {
        ptce(&[
            "create-admin",
            "--email",
            "x@example.fr",
            "--password",
            "short",
        ])
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--password"));
}

#[tokio::test]
async fn import_reference_is_idempotent() {
    let database = tokio::task::spawn_blocking(TestDatabase::create)
        .await
        .unwrap();
    let url = database.url.clone();
    let outputs = tokio::task::spawn_blocking(move || {
        (0..2)
            .map(|_| {
                let output = ptce(&["import-reference"])
                    .env("DATABASE_URL", &url)
                    .output()
                    .unwrap();
                assert!(
                    output.status.success(),
                    "{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                String::from_utf8(output.stdout).unwrap()
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for output in outputs {
        assert!(output.contains("34969 communes"), "{output}");
        assert!(output.contains("1728 NAF codes"), "{output}");
    }
}

#[tokio::test]
async fn every_down_migration_undoes_its_up_migration() {
    let database = tokio::task::spawn_blocking(TestDatabase::create_empty)
        .await
        .unwrap();
    let url = database.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = ptce_exchange::db::connect(&url).unwrap();
        let tables = |conn: &mut PgConnection| -> Vec<String> {
            #[derive(QueryableByName)]
            struct Table {
                #[diesel(sql_type = diesel::sql_types::Text)]
                tablename: String,
            }
            diesel::sql_query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations' ORDER BY 1")
                .load::<Table>(conn)
                .unwrap()
                .into_iter()
                .map(|t| t.tablename)
                .collect()
        };
        ptce_exchange::db::run_migrations(&mut conn).unwrap();
        let after_up = tables(&mut conn);
        assert!(after_up.contains(&"accounts".to_string()));
        conn.revert_all_migrations(ptce_exchange::db::MIGRATIONS).unwrap();
        assert_eq!(tables(&mut conn), Vec::<String>::new());
        ptce_exchange::db::run_migrations(&mut conn).unwrap();
        assert_eq!(tables(&mut conn), after_up);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn retry_dead_mail_queues_parked_messages_again() {
    let app = TestApp::spawn().await;
    app.with_conn(|conn| {
        diesel::sql_query(
            "INSERT INTO outbox (dedup_key, recipient, subject, text_body, html_body, status, attempts)
             VALUES ('parked', 'x@example.fr', 's', 't', 'h', 'dead', 10)",
        )
        .execute(conn)
        .unwrap();
    })
    .await;
    let url = app.database_url().to_string();
    let output = tokio::task::spawn_blocking(move || {
        ptce(&["retry-dead-mail"])
            .env("DATABASE_URL", url)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 dead email(s) queued again"));
    let mails = app.wait_for_emails(1).await;
    assert!(mails
        .iter()
        .any(|m| m.to == vec!["x@example.fr".to_string()]));
}

/// Runs a `ptce` command on the embedded cluster of `dir`; returns its combined output.
fn embedded_command(dir: &Path, args: &[&str]) -> String {
    let output = ptce(args)
        .env_remove("DATABASE_URL")
        .env("PTCE__DATABASE__EMBEDDED_DIR", dir.join("postgres"))
        .env("PTCE__MAIL__OUTBOX_DIR", dir.join("mail"))
        .output()
        .expect("running ptce");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "ptce {args:?}: {text}");
    text
}

fn postmaster_pid(dir: &Path) -> i32 {
    std::fs::read_to_string(dir.join("postgres/data/postmaster.pid"))
        .expect("a running cluster")
        .lines()
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

async fn wait_ready(client: &reqwest::Client, base: &str) -> bool {
    for _ in 0..150 {
        if let Ok(response) = client.get(format!("{base}/health/ready")).send().await {
            if response.status() == 200 {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[tokio::test]
async fn commands_run_beside_serve_use_its_embedded_cluster_and_never_stop_it() {
    let dir = scratch_dir("shared-cluster");
    let (service, _) = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || start_embedded(&dir)
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let base = service.address.clone();
    let pid = postmaster_pid(&dir);

    // The commands the README invites, while the service runs.
    for args in [
        vec!["migrate"],
        vec![
            "create-admin",
            "--email",
            "second@example.fr",
            "--password",
            "a long password",
        ],
        vec!["seed-demo"],
        vec!["import-reference"],
    ] {
        let scratch = dir.clone();
        tokio::task::spawn_blocking(move || embedded_command(&scratch, &args))
            .await
            .unwrap();
        assert_eq!(postmaster_pid(&dir), pid, "the same cluster still runs");
        let ready = client
            .get(format!("{base}/health/ready"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            ready.status(),
            200,
            "the service still reaches its database"
        );
    }
    let login = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "second@example.fr", "password": "a long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        login.status(),
        200,
        "the command wrote to the service's database"
    );

    // The cluster killed under the service: it is started again by itself.
    // SAFETY: signalling the postmaster of the cluster this test created.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        wait_ready(&client, &base).await,
        "the service brings its cluster back"
    );
    assert_ne!(postmaster_pid(&dir), pid);

    let pid_file = dir.join("postgres/data/postmaster.pid");
    tokio::task::spawn_blocking(move || service.stop())
        .await
        .unwrap();
    assert!(!pid_file.exists(), "the service stops the cluster it runs");
    let _ = std::fs::remove_dir_all(&dir);
}
