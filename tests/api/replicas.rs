//! Reads on a real streaming replica: the read-heavy paths go to it, a caller reads its own
//! writes at once (the primary until the replica has replayed them), and a replica that
//! lags or stops is left aside by itself and used again when it recovers.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{listing_body, Market, TestApp};
use crate::pg_server::PgServer;

/// `db_reads_total{target="…"}` from `/metrics`.
async fn reads(app: &TestApp, target: &str) -> u64 {
    let text = app.get("/metrics", None).await.text().await.unwrap();
    let needle = format!("db_reads_total{{target=\"{target}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&needle))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0)
}

async fn metric(app: &TestApp, name: &str) -> f64 {
    let text = app.get("/metrics", None).await.text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(f64::NAN)
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn search_titles(app: &TestApp, token: Option<&str>) -> Vec<String> {
    let response = app.get("/api/v1/listings?limit=100", token).await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_go_to_the_replica_see_their_own_writes_and_survive_its_lag_and_outage() {
    let primary = tokio::task::spawn_blocking(PgServer::primary)
        .await
        .unwrap();
    let standby = {
        let p = primary.port;
        let primary_ref = PgServer::handle(p);
        tokio::task::spawn_blocking(move || PgServer::standby_of(&primary_ref))
            .await
            .unwrap()
    };
    let (primary_url, standby_url) = (primary.url(), standby.url());
    let app = TestApp::spawn_with(move |s| {
        s.database.url = primary_url;
        s.database.replica_url = standby_url;
        s.database.replica_max_lag_secs = 1;
    })
    .await;
    eventually("the replica is sampled", async || {
        metric(&app, "db_replica_up").await == 1.0
    })
    .await;

    // Search (anonymous) goes to the replica.
    let market = Market::open(&app, 2).await;
    let before = reads(&app, "replica").await;
    search_titles(&app, None).await;
    app.get("/api/v1/poles", None).await;
    app.get("/api/v1/reference/departements", None).await;
    assert!(
        reads(&app, "replica").await >= before + 3,
        "read-heavy paths use the replica"
    );

    // A write answers with its WAL position; the writer's next read sees it at once.
    let (owner, enterprise) = &market.members[0];
    let created = app
        .post(
            "/api/v1/listings",
            Some(owner),
            &listing_body(
                *enterprise,
                "offer",
                json!({"title": "Chutes de hêtre étuvé"}),
            ),
        )
        .await;
    assert_eq!(created.status(), 201);
    assert!(created.headers().contains_key("ptce-read-after"));
    let created: Value = created.json().await.unwrap();
    let shown = app
        .get(&format!("/api/v1/listings/{}", created["id"]), Some(owner))
        .await;
    assert_eq!(shown.status(), 200, "the writer reads its own write");

    // The replica stops replaying: the writer still reads its writes (the primary), and
    // once the lag passes database.replica_max_lag_secs every read leaves the replica.
    standby.sql("SELECT pg_wal_replay_pause()");
    let paused = app
        .post(
            "/api/v1/listings",
            Some(owner),
            &listing_body(
                *enterprise,
                "offer",
                json!({"title": "Sciure de chêne en big bag"}),
            ),
        )
        .await;
    assert_eq!(paused.status(), 201);
    let position = paused.headers()["ptce-read-after"]
        .to_str()
        .unwrap()
        .to_string();
    let (primary_reads, replica_reads) =
        (reads(&app, "primary").await, reads(&app, "replica").await);
    let seen = search_titles(&app, Some(owner)).await;
    assert!(
        seen.contains(&"Sciure de chêne en big bag".to_string()),
        "{seen:?} after {position}; primary {primary_reads}→{}, replica {replica_reads}→{}",
        reads(&app, "primary").await,
        reads(&app, "replica").await
    );
    eventually("reads leave the late replica", async || {
        metric(&app, "db_replica_lag_seconds").await > 1.0
    })
    .await;
    assert!(
        search_titles(&app, None)
            .await
            .contains(&"Sciure de chêne en big bag".to_string()),
        "an anonymous search during the lag is answered by the primary"
    );
    standby.sql("SELECT pg_wal_replay_resume()");
    eventually("the replica catches up", async || {
        metric(&app, "db_replica_lag_seconds").await == 0.0
    })
    .await;

    // The replica goes down: searches still answer (the primary), then come back to it.
    standby.stop_immediately();
    for _ in 0..5 {
        assert_eq!(search_titles(&app, None).await.len(), 2);
    }
    eventually("the replica is seen down", async || {
        metric(&app, "db_replica_up").await == 0.0
    })
    .await;
    standby.start();
    eventually("the replica is used again", async || {
        metric(&app, "db_replica_up").await == 1.0
    })
    .await;
    let before = reads(&app, "replica").await;
    search_titles(&app, None).await;
    assert!(reads(&app, "replica").await > before);

    // A failover promotes the standby: a primary now, it is left by the replica pool (which
    // keeps standbys only), so reads are counted, and done, on the primary pool.
    standby.promote();
    eventually("the promoted server is left", async || {
        metric(&app, "db_replica_up").await == 0.0
    })
    .await;
    let (replica_before, primary_before) =
        (reads(&app, "replica").await, reads(&app, "primary").await);
    assert_eq!(search_titles(&app, None).await.len(), 2);
    assert_eq!(reads(&app, "replica").await, replica_before);
    assert!(reads(&app, "primary").await > primary_before);
    drop(primary);
}
