//! Marketplace benchmark, run by `scripts/bench` against a release server and a database
//! holding a million open listings (`ptce generate-listings`).
//!
//! Measures, through real HTTP: publish-with-matching latency (p50/p99), search latency by
//! kind of filter, search throughput at a fixed concurrency, and checks that publishing
//! never scans the listings table sequentially (pg_stat_user_tables.seq_scan).

use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use ptce_exchange::db;
use ptce_exchange::models::account;
use ptce_exchange::models::ids::AccountId;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

#[derive(QueryableByName)]
struct Code {
    #[diesel(sql_type = Text)]
    code: String,
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn summary(name: &str, mut samples: Vec<Duration>) -> String {
    samples.sort();
    format!(
        "| {name} | {} | {:.1} | {:.1} | {:.1} |",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples.last().unwrap().as_secs_f64() * 1000.0
    )
}

fn seq_scans(conn: &mut PgConnection, table: &str) -> i64 {
    diesel::sql_query(format!(
        "SELECT coalesce(seq_scan, 0) AS n FROM pg_stat_user_tables WHERE relname = '{table}'"
    ))
    .get_result::<Number>(conn)
    .map(|r| r.n)
    .unwrap_or(-1)
}

/// An exchange in progress between two bench enterprises, created directly in the database.
fn bench_exchange(conn: &mut PgConnection, account: i64) -> i64 {
    diesel::sql_query(
        "WITH pair AS (
             SELECT m.enterprise_id, m.pole_id FROM memberships m JOIN poles p ON p.id = m.pole_id
             WHERE p.slug = 'bench-pole' ORDER BY random() LIMIT 2),
         ids AS (SELECT array_agg(enterprise_id) AS e, min(pole_id) AS pole FROM pair),
         created AS (
             INSERT INTO exchanges (provider_enterprise_id, beneficiary_enterprise_id, provider_pole_id, beneficiary_pole_id,
                                    category, title, status, created_by)
             SELECT e[1], e[2], pole, pole, 'local_resource', 'Échange de mesure', 'in_progress', $1 FROM ids
             RETURNING id)
         SELECT id AS n FROM created",
    )
    .bind::<BigInt, _>(account)
    .get_result::<Number>(conn)
    .unwrap()
    .n
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let base = std::env::var("BENCH_URL").expect("BENCH_URL: the server under test");
    let database_url = std::env::var("DATABASE_URL").expect("DATABASE_URL: the benchmark database");
    let publishes: usize = std::env::var("BENCH_PUBLISHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let searches: usize = std::env::var("BENCH_SEARCHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let concurrency: usize = std::env::var("BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);

    let mut conn = db::connect(&database_url).expect("connecting");
    let listings: i64 =
        diesel::sql_query("SELECT count(*) AS n FROM listings WHERE status = 'open'")
            .get_result::<Number>(&mut conn)
            .unwrap()
            .n;
    let account_id: i64 =
        diesel::sql_query("SELECT id AS n FROM accounts WHERE email = 'bench@ptce.invalid'")
            .get_result::<Number>(&mut conn)
            .expect("run `ptce generate-listings` first")
            .n;
    let token = account::issue_token(&mut conn, AccountId(account_id), 1).unwrap();
    let enterprise: i64 = diesel::sql_query(
        "SELECT m.enterprise_id AS n FROM memberships m JOIN poles p ON p.id = m.pole_id WHERE p.slug = 'bench-pole' LIMIT 1",
    )
    .get_result::<Number>(&mut conn)
    .unwrap()
    .n;
    let communes: Vec<String> = diesel::sql_query(
        "SELECT code FROM communes WHERE located = 'place' ORDER BY random() LIMIT 2000",
    )
    .load::<Code>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|c| c.code)
    .collect();
    let nafs: Vec<String> = diesel::sql_query(
        "SELECT code FROM naf_codes WHERE level = 'subclass' ORDER BY random() LIMIT 500",
    )
    .load::<Code>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|c| c.code)
    .collect();
    let client = reqwest::Client::new();
    println!("Listings (planner estimate): {listings}");

    // Publish with matching. A busy backend reports its statistics to
    // pg_stat_user_tables up to 10 s late, so the baseline and the final reading each wait
    // for what came before them to settle.
    // Counting scans whole tables: done before the baseline, so it is not counted.
    let count = |conn: &mut PgConnection, sql: &str| {
        diesel::sql_query(sql)
            .get_result::<Number>(conn)
            .map(|r| r.n)
            .unwrap_or(0)
    };
    let alerts = count(&mut conn, "SELECT count(*) AS n FROM alerts");
    let hits_before = count(&mut conn, "SELECT count(*) AS n FROM alert_hits");
    println!("Alerts: {alerts}");
    let settle = Duration::from_secs(11);
    tokio::time::sleep(settle).await;
    let scans_before = seq_scans(&mut conn, "listings");
    let alert_scans_before = seq_scans(&mut conn, "alerts");
    let mut publish_times = Vec::with_capacity(publishes);
    let mut matches_found = 0usize;
    for n in 0..publishes {
        let mut rng = rand::thread_rng();
        let kind = if n % 2 == 0 { "offer" } else { "need" };
        let radius = [20, 50, 100][rng.gen_range(0..3)];
        // Three publications in four are materials (matched by material across sectors),
        // one in four know-how (matched by sector, and across sectors by their words).
        let materials = [
            "wood",
            "metal",
            "plastic",
            "paper_cardboard",
            "textile",
            "glass",
            "organic_food",
            "organic_green",
            "oil_fat",
            "construction_minerals",
            "chemicals",
            "electronic",
        ];
        let (category, details) = if n % 4 == 3 {
            ("know_how", json!({"format": "training", "hours": 35}))
        } else {
            let mut details = json!({"resource_type": "by_product", "material": materials.choose(&mut rng).unwrap()});
            if rng.gen_bool(0.5) {
                details["ewc_code"] = json!(["03 01 05", "02 07 04", "04 02 22", "15 01 01"]
                    .choose(&mut rng)
                    .unwrap());
            }
            ("local_resource", details)
        };
        let body = json!({
            "enterprise_id": enterprise,
            "kind": kind,
            "category": category,
            "title": format!("Lot de mesure {n} : chutes de bois et formation à la menuiserie"),
            "description": "Publication de mesure, sciure et copeaux, formation au tournage",
            "naf": nafs.choose(&mut rng).unwrap(),
            "commune": communes.choose(&mut rng).unwrap(),
            "radius_km": radius,
            "quantity": format!("{}", rng.gen_range(1..1000)),
            "unit": "kg",
            "details": details,
            "publish": true,
        });
        let started = Instant::now();
        let response = client
            .post(format!("{base}/api/v1/listings"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let created: Value = response.json().await.unwrap();
        publish_times.push(started.elapsed());
        assert_eq!(status, 201, "{created}");
        matches_found += created["matches"].as_array().map_or(0, |m| m.len());
    }
    // The worker tells the alerts after the publications: how long until it has caught up.
    let published_at = Instant::now();
    while count(&mut conn, "SELECT count(*) AS n FROM alert_queue") > 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let alerts_caught_up = published_at.elapsed();
    tokio::time::sleep(settle).await;
    let scans_after = seq_scans(&mut conn, "listings");
    let alert_scans_after = seq_scans(&mut conn, "alerts");
    let hits = count(&mut conn, "SELECT count(*) AS n FROM alert_hits") - hits_before;

    // Search latency by filter.
    let words = [
        "bois",
        "chene",
        "fil",
        "legumes",
        "formation",
        "reparation",
        "metal",
        "textile",
        "verre",
        "pain",
    ];
    let mut by_kind: Vec<(&str, Vec<Duration>)> = vec![
        ("newest first", vec![]),
        ("q (full text)", vec![]),
        ("near + radius_km=30", vec![]),
        ("naf prefix", vec![]),
        ("departement", vec![]),
    ];
    for n in 0..searches {
        let which = n % by_kind.len();
        let query = {
            let mut rng = rand::thread_rng();
            match which {
                0 => String::new(),
                1 => format!("q={}", words.choose(&mut rng).unwrap()),
                2 => format!("near={}&radius_km=30", communes.choose(&mut rng).unwrap()),
                3 => format!("naf={}", &nafs.choose(&mut rng).unwrap()[..2]),
                _ => format!("departement={:02}", rng.gen_range(1..96)),
            }
        };
        let started = Instant::now();
        let response = client
            .get(format!("{base}/api/v1/listings?{query}"))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success() || response.status() == 422,
            "{query}"
        );
        let _ = response.bytes().await.unwrap();
        by_kind[which].1.push(started.elapsed());
    }

    // Search throughput: `concurrency` clients for `seconds`, département filter (the same
    // SQL scripts/bench runs bare through pgbench).
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                let departement = rand::thread_rng().gen_range(1..96);
                let response = client
                    .get(format!(
                        "{base}/api/v1/listings?departement={departement:02}"
                    ))
                    .send()
                    .await
                    .unwrap();
                let _ = response.bytes().await.unwrap();
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    let throughput = total as f64 / seconds as f64;

    // Recording transactions: one exchange in progress per client, so that clients do not
    // queue on one exchange's row lock.
    let exchanges: Vec<i64> = (0..concurrency)
        .map(|_| bench_exchange(&mut conn, account_id))
        .collect();
    println!(
        "BENCH_EXCHANGES={}",
        exchanges
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for exchange in exchanges {
        let client = client.clone();
        let base = base.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let (mut done, mut times) = (0u64, Vec::new());
            while Instant::now() < deadline {
                let started = Instant::now();
                let response = client
                    .post(format!("{base}/api/v1/exchanges/{exchange}/transactions"))
                    .bearer_auth(&token)
                    .json(&json!({"amount": "12.34", "vat_rate": "20", "description": "mesure"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 201);
                let _ = response.bytes().await.unwrap();
                times.push(started.elapsed());
                done += 1;
            }
            (done, times)
        }));
    }
    let (mut recorded, mut record_times) = (0, Vec::new());
    for task in tasks {
        let (done, times) = task.await.unwrap();
        recorded += done;
        record_times.extend(times);
    }
    let record_rate = recorded as f64 / seconds as f64;

    println!();
    println!("| operation | requests | p50 ms | p99 ms | max ms |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "{}",
        summary(
            "publish with matching (POST /listings, publish: true)",
            publish_times
        )
    );
    for (name, samples) in by_kind {
        println!("{}", summary(&format!("search: {name}"), samples));
    }
    println!(
        "{}",
        summary(
            &format!("record a transaction ({concurrency} clients)"),
            record_times
        )
    );
    println!();
    println!(
        "Matches found per publication: {:.1} on average",
        matches_found as f64 / publishes as f64
    );
    println!(
        "Sequential scans of listings during the publications: {}",
        scans_after - scans_before
    );
    println!(
        "Alerts told per publication: {:.1} on average, out of {alerts} alerts",
        hits as f64 / publishes as f64
    );
    println!(
        "Alert queue empty {:.1} s after the last publication (the worker writes the alert emails)",
        alerts_caught_up.as_secs_f64()
    );
    println!(
        "Sequential scans of alerts during the publications: {}",
        alert_scans_after - alert_scans_before
    );
    println!("Search throughput (GET /listings?departement=XX, {concurrency} clients, {seconds} s): {throughput:.0} requests/s");
    println!(
        "Transactions recorded ({concurrency} clients, {seconds} s): {record_rate:.0} per second"
    );
    println!("BENCH_SEARCH_RPS={throughput:.0}");
    println!("BENCH_RECORD_RPS={record_rate:.0}");
}
