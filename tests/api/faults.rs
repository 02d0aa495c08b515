//! Faults on one machine, with nothing lost: PostgreSQL restarted three times under reads
//! and writes (the service answers 503 while it is away, never 500, and recovers by
//! itself), and `ptce serve` killed with SIGKILL in the middle of concurrent money writes
//! (every acknowledged write is there once; retries with the same `Idempotency-Key`s
//! create nothing new).

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::exchanges::{agreed_exchange, start};
use crate::helpers::{Market, TestApp};
use crate::pg_server::PgServer;

/// What a client saw: acknowledged writes (key → transaction id) and every status.
#[derive(Default)]
struct Seen {
    acknowledged: BTreeMap<String, i64>,
    statuses: BTreeMap<u16, usize>,
    connection_errors: usize,
}

/// Records one transaction like a real client: on a connection error, a 502 or a 503 it
/// waits a little and sends the same request again with the same key.
async fn record(
    client: &reqwest::Client,
    base: &RwLock<String>,
    token: &str,
    exchange: i64,
    key: &str,
    seen: &Mutex<Seen>,
) {
    let started = Instant::now();
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "{key} never acknowledged"
        );
        let url = format!(
            "{}/api/v1/exchanges/{exchange}/transactions",
            base.read().unwrap()
        );
        let sent = client
            .post(url)
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&json!({"amount": "12.50", "vat_rate": "20", "description": key}))
            .send()
            .await;
        match sent {
            Err(_) => seen.lock().unwrap().connection_errors += 1,
            Ok(response) => {
                let status = response.status().as_u16();
                *seen.lock().unwrap().statuses.entry(status).or_default() += 1;
                if status == 201 {
                    let body: Value = response.json().await.unwrap();
                    seen.lock()
                        .unwrap()
                        .acknowledged
                        .insert(key.to_string(), body["id"].as_i64().unwrap());
                    return;
                }
                assert!(
                    status == 502 || status == 503,
                    "{key}: {status} {}",
                    response.text().await.unwrap_or_default()
                );
            }
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// The transactions of the exchange in the database: (rows, distinct keys, Σ amount).
async fn ledger(app: &TestApp, exchange: i64) -> (i64, i64, String) {
    app.with_conn(move |conn| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            rows: i64,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            keys: i64,
            #[diesel(sql_type = diesel::sql_types::Text)]
            total: String,
        }
        let row: Row = diesel::sql_query(
            "SELECT count(*) AS rows, count(DISTINCT description) AS keys,
                    coalesce(sum(amount), 0)::text AS total
             FROM transactions WHERE exchange_id = $1",
        )
        .bind::<diesel::sql_types::BigInt, _>(exchange)
        .get_result(conn)
        .unwrap();
        (row.rows, row.keys, row.total)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn postgresql_restarted_under_load_gives_503_at_worst_and_loses_nothing() {
    let primary = Arc::new(
        tokio::task::spawn_blocking(PgServer::primary)
            .await
            .unwrap(),
    );
    let url = primary.url();
    let app = TestApp::spawn_with(move |s| {
        s.database.url = url;
        s.database.connect_timeout_secs = 1;
    })
    .await;
    let market = Market::open(&app, 2).await;
    let exchange = agreed_exchange(&app, &market).await;
    let (token, _) = market.members[0].clone();
    start(&app, &token, exchange).await;

    let base = Arc::new(RwLock::new(app.address.clone()));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (client, base, seen, token) = (
            app.client.clone(),
            base.clone(),
            seen.clone(),
            token.clone(),
        );
        writers.push(tokio::spawn(async move {
            for n in 0..20 {
                let key = format!("restart-{writer}-{n}");
                record(&client, &base, &token, exchange, &key, &seen).await;
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
        }));
    }
    let mut readers = Vec::new();
    for _ in 0..2 {
        let (client, address, seen, done, token) = (
            app.client.clone(),
            app.address.clone(),
            seen.clone(),
            done.clone(),
            token.clone(),
        );
        readers.push(tokio::spawn(async move {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                for path in ["/api/v1/listings", "/api/v1/exchanges"] {
                    match client
                        .get(format!("{address}{path}"))
                        .bearer_auth(&token)
                        .send()
                        .await
                    {
                        Ok(r) => {
                            *seen
                                .lock()
                                .unwrap()
                                .statuses
                                .entry(r.status().as_u16())
                                .or_default() += 1
                        }
                        Err(_) => seen.lock().unwrap().connection_errors += 1,
                    }
                }
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
        }));
    }
    // Three fast restarts while they work.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let server = primary.clone();
        tokio::task::spawn_blocking(move || server.restart())
            .await
            .unwrap();
    }
    for writer in writers {
        writer.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    for reader in readers {
        reader.await.unwrap();
    }

    let (statuses, acknowledged) = {
        let seen = seen.lock().unwrap();
        (seen.statuses.clone(), seen.acknowledged.len())
    };
    assert_eq!(statuses.get(&500), None, "never a 500: {statuses:?}");
    assert!(
        statuses.keys().all(|s| matches!(s, 200 | 201 | 503)),
        "{statuses:?}"
    );
    assert_eq!(acknowledged, 80);
    let (rows, keys, total) = ledger(&app, exchange).await;
    assert_eq!(
        (rows, keys),
        (80, 80),
        "each acknowledged write exactly once"
    );
    assert_eq!(total, "1000.00");
    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status(), 200, "recovered by itself");
    eprintln!("statuses during the restarts: {statuses:?}");
}

/// `ptce serve` as its own process on the test's database.
fn serve(app: &TestApp, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ptce"))
        .arg("serve")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env(
            "PTCE_CONFIG_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
        )
        .env("DATABASE_URL", app.database_url())
        .env("PTCE__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("PTCE__SERVER__WORKERS", "2")
        .env("PTCE__LIMITS__ENABLED", "false")
        .env("PTCE__MAIL__SMTP_URL", app.smtp.url())
        .env("PTCE__APP__SEED_DEMO_ON_FIRST_START", "false")
        .env(
            "PTCE__APP__REFERENCE_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/data/reference"),
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting ptce serve")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/health/ready")).send().await {
            if r.status() == 200 {
                return;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{base} never ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_killed_mid_writes_keeps_every_acknowledged_write_once() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let exchange = agreed_exchange(&app, &market).await;
    let (token, _) = market.members[0].clone();
    start(&app, &token, exchange).await;

    let port = free_port();
    let mut node = serve(&app, port);
    let base = Arc::new(RwLock::new(format!("http://127.0.0.1:{port}")));
    let first_base = base.read().unwrap().clone();
    wait_ready(&app.client, &first_base).await;

    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut writers = Vec::new();
    for writer in 0..6 {
        let (client, base, seen, token) = (
            app.client.clone(),
            base.clone(),
            seen.clone(),
            token.clone(),
        );
        writers.push(tokio::spawn(async move {
            for n in 0..15 {
                let key = format!("kill-{writer}-{n}");
                record(&client, &base, &token, exchange, &key, &seen).await;
            }
        }));
    }
    // Kill it (SIGKILL) while writes are in flight, then start a new node, as a load
    // balancer would send the clients to another one.
    let started = Instant::now();
    while seen.lock().unwrap().acknowledged.len() < 20 {
        assert!(started.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    node.kill().expect("kill -9");
    node.wait().unwrap();
    let at_kill = seen.lock().unwrap().acknowledged.len();
    let port = free_port();
    let mut node = serve(&app, port);
    let new_base = format!("http://127.0.0.1:{port}");
    wait_ready(&app.client, &new_base).await;
    *base.write().unwrap() = new_base.clone();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = seen.lock().unwrap().acknowledged.clone();
    assert!(at_kill < 90, "the kill came in the middle");
    assert_eq!(acknowledged.len(), 90);
    let (rows, keys, total) = ledger(&app, exchange).await;
    assert_eq!((rows, keys), (90, 90), "every acknowledged write, once");
    assert_eq!(total, "1125.00");

    // Retrying every key creates nothing new and answers the recorded transaction.
    for (key, id) in acknowledged.iter().take(30) {
        let again = app
            .client
            .post(format!(
                "{new_base}/api/v1/exchanges/{exchange}/transactions"
            ))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&json!({"amount": "12.50", "vat_rate": "20", "description": key}))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 201);
        assert_eq!(again.json::<Value>().await.unwrap()["id"], *id);
    }
    assert_eq!(ledger(&app, exchange).await.0, 90);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.statuses.get(&500), None, "{:?}", seen.statuses);
    node.kill().unwrap();
    let _ = node.wait();
}
