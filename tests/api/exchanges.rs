use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, listing_body, Market, TestApp};

/// An exchange agreed through a match between member 0 (offer) and member 1 (need).
pub(crate) async fn agreed_exchange(app: &TestApp, market: &Market) -> i64 {
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    app.create_listing(
        a,
        &listing_body(
            *a_id,
            "offer",
            json!({"quantity": "2", "unit": "t", "unit_price": "120"}),
        ),
    )
    .await;
    let need = app
        .create_listing(
            b,
            &listing_body(*b_id, "need", json!({"quantity": "1500", "unit": "kg"})),
        )
        .await;
    let match_id = need["matches"][0]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/matches/{match_id}/accept"),
        Some(a),
        &json!({}),
    )
    .await;
    let agreed: Value = app
        .post(
            &format!("/api/v1/matches/{match_id}/accept"),
            Some(b),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    agreed["exchange_id"].as_i64().unwrap()
}

pub(crate) async fn start(app: &TestApp, token: &str, id: i64) {
    let response = app
        .post(
            &format!("/api/v1/exchanges/{id}/transition"),
            Some(token),
            &json!({"to": "in_progress", "note": "Livraison planifiée"}),
        )
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn an_exchange_moves_from_agreement_to_completion_with_every_step_recorded() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 3).await;
    let id = agreed_exchange(&app, &market).await;
    let (a, _) = &market.members[0];
    let (stranger, _) = &market.members[2];
    let path = format!("/api/v1/exchanges/{id}");
    let shown: Value = app.get(&path, Some(a)).await.json().await.unwrap();
    assert_eq!(shown["status"], "agreed");
    assert_eq!(shown["provider"]["pole"], "pole-a");
    assert_eq!(shown["quantity"], "1.5");
    assert_eq!(shown["total_amount"], "180.00");
    assert_eq!(shown["transitions"][0]["to"], "agreed");

    assert_problem(app.get(&path, None).await, 401).await;
    assert_problem(app.get(&path, Some(stranger)).await, 404).await;
    let transition = format!("{path}/transition");
    assert_problem(
        app.post(&transition, Some(stranger), &json!({"to": "in_progress"}))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.post(&transition, Some(a), &json!({"to": "completed"}))
            .await,
        409,
    )
    .await;
    let problem = assert_problem(
        app.post(&transition, Some(a), &json!({"to": "finished"}))
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["to"]);
    start(&app, a, id).await;
    let done: Value = app
        .post(
            &transition,
            Some(&market.coordinator),
            &json!({"to": "completed", "note": "Tout est livré"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "completed");
    let steps: Vec<&str> = done["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["to"].as_str().unwrap())
        .collect();
    assert_eq!(steps, vec!["agreed", "in_progress", "completed"]);
    assert_eq!(done["transitions"][2]["note"], "Tout est livré");
    assert!(done["completed_at"].is_string());

    let impact = app
        .request(reqwest::Method::PUT, &format!("{path}/impact"), Some(a), Some(&json!({"jobs_created": 1, "jobs_kept": 3, "tonnes_diverted": "1.5", "km_avoided": "240"})))
        .await;
    assert_eq!(impact.status(), 200);
    let impact: Value = impact.json().await.unwrap();
    assert_eq!(impact["impact"]["tonnes_diverted"], "1.5");
    let bad = app
        .request(
            reqwest::Method::PUT,
            &format!("{path}/impact"),
            Some(a),
            Some(&json!({"jobs_kept": -1, "tonnes_diverted": "1.2345"})),
        )
        .await;
    let problem = assert_problem(bad, 422).await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["jobs_kept", "tonnes_diverted"]);

    let mine: Value = app
        .get("/api/v1/exchanges?status=completed", Some(a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let theirs: Value = app
        .get("/api/v1/exchanges", Some(stranger))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn transactions_are_exact_and_undone_only_by_reversals() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 3).await;
    let id = agreed_exchange(&app, &market).await;
    let (a, _) = &market.members[0];
    let (stranger, _) = &market.members[2];
    let path = format!("/api/v1/exchanges/{id}/transactions");
    assert_problem(
        app.post(
            &path,
            Some(a),
            &json!({"amount": "10.00", "vat_rate": "20"}),
        )
        .await,
        409,
    )
    .await;
    start(&app, a, id).await;

    let first = app.post(&path, Some(a), &json!({"quantity": "3", "unit_price": "0.335", "vat_rate": "20", "description": "Première livraison"})).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(
        (
            first["amount"].as_str(),
            first["vat_amount"].as_str(),
            first["amount_incl_tax"].as_str()
        ),
        (Some("1.01"), Some("0.20"), Some("1.21"))
    );
    let second: Value = app
        .post(
            &path,
            Some(a),
            &json!({"amount": "1234.50", "vat_rate": 5.5}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["vat_amount"], "67.90");
    assert_eq!(second["amount_incl_tax"], "1302.40");

    for (body, field) in [
        (json!({"amount": "10.001", "vat_rate": "20"}), "amount"),
        (json!({"amount": "10", "vat_rate": "19.6"}), "vat_rate"),
        (
            json!({"amount": "10", "quantity": "1", "vat_rate": "20"}),
            "amount",
        ),
        (
            json!({"quantity": "1", "unit_price": "-2", "vat_rate": "20"}),
            "unit_price",
        ),
        (json!({"amount": "-5", "vat_rate": "20"}), "amount"),
    ] {
        let problem = assert_problem(app.post(&path, Some(a), &body).await, 422).await;
        assert_eq!(error_fields(&problem), vec![field], "{body}");
    }
    assert_problem(
        app.post(
            &path,
            Some(stranger),
            &json!({"amount": "1", "vat_rate": "0"}),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.post(&path, None, &json!({"amount": "1", "vat_rate": "0"}))
            .await,
        401,
    )
    .await;

    let reverse = format!("/api/v1/transactions/{}/reverse", second["id"]);
    assert_problem(app.post(&reverse, Some(stranger), &json!({})).await, 404).await;
    let reversal = app
        .post(
            &reverse,
            Some(a),
            &json!({"description": "Erreur de saisie"}),
        )
        .await;
    assert_eq!(reversal.status(), 201);
    let reversal: Value = reversal.json().await.unwrap();
    assert_eq!(reversal["amount"], "-1234.50");
    assert_eq!(reversal["amount_incl_tax"], "-1302.40");
    assert_eq!(reversal["reverses_id"], second["id"]);
    assert_problem(app.post(&reverse, Some(a), &json!({})).await, 409).await;
    assert_problem(
        app.post(
            &format!("/api/v1/transactions/{}/reverse", reversal["id"]),
            Some(a),
            &json!({}),
        )
        .await,
        409,
    )
    .await;

    let list: Value = app.get(&path, Some(a)).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    assert_eq!(list["totals"]["amount"], "1.01");
    assert_eq!(list["totals"]["amount_incl_tax"], "1.21");

    // The database itself refuses to change or delete a transaction.
    let refused = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            let update = diesel::sql_query("UPDATE transactions SET amount = 0")
                .execute(conn)
                .is_err();
            let delete = diesel::sql_query("DELETE FROM transactions")
                .execute(conn)
                .is_err();
            let truncate = diesel::sql_query("TRUNCATE transactions")
                .execute(conn)
                .is_err();
            (update, delete, truncate)
        })
        .await;
    assert_eq!(refused, (true, true, true));
}

#[tokio::test]
async fn many_clients_recording_at_once_lose_nothing() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let id = agreed_exchange(&app, &market).await;
    let (a, _) = &market.members[0];
    start(&app, a, id).await;
    let path = format!("/api/v1/exchanges/{id}/transactions");
    let app = &app;
    let posts = (1..=30).map(|n| {
        let path = path.clone();
        async move {
            let response = app
                .post(
                    &path,
                    Some(a),
                    &json!({"amount": format!("{n}.{:02}", n % 100), "vat_rate": "20"}),
                )
                .await;
            response.status().as_u16()
        }
    });
    let statuses = futures_util::future::join_all(posts).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let list: Value = app.get(&path, Some(a)).await.json().await.unwrap();
    assert_eq!(list["totals"]["count"], 30);
    // Σ n + Σ n/100 for n = 1..30: 465 + 4.65.
    assert_eq!(list["totals"]["amount"], "469.65");
}

#[tokio::test]
async fn retries_with_an_idempotency_key_never_double_a_record() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let id = agreed_exchange(&app, &market).await;
    let (a, _) = &market.members[0];
    start(&app, a, id).await;
    let url = app.url(&format!("/api/v1/exchanges/{id}/transactions"));
    let send = |key: &'static str, body: Value| {
        let request = app
            .client
            .post(&url)
            .bearer_auth(a)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { request.send().await.unwrap() }
    };
    let body = json!({"amount": "250.00", "vat_rate": "20", "description": "Acompte"});
    let first = send("k-1", body.clone()).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send("k-1", body.clone()).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let problem = assert_problem(
        send("k-1", json!({"amount": "999.00", "vat_rate": "20"})).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["Idempotency-Key"]);
    // A key is bound to its target: the same key and body on another path is refused.
    let elsewhere = app
        .client
        .post(app.url("/api/v1/exchanges/999999/transactions"))
        .bearer_auth(a)
        .header("Idempotency-Key", "k-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(elsewhere, 422).await;
    // Concurrent requests with one key create one record.
    let racing = futures_util::future::join_all(
        (0..6).map(|_| send("k-2", json!({"amount": "10.00", "vat_rate": "0"}))),
    )
    .await;
    let mut ids = Vec::new();
    for response in racing {
        assert_eq!(response.status(), 201);
        ids.push(response.json::<Value>().await.unwrap()["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    let list: Value = app
        .get(&format!("/api/v1/exchanges/{id}/transactions"), Some(a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["totals"]["count"], 2);
    assert_eq!(list["totals"]["amount"], "260.00");
}

#[tokio::test]
async fn a_coordinator_records_an_exchange_between_approved_enterprises() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (_, b_id) = &market.members[1];
    let body = json!({"provider_enterprise_id": a_id, "beneficiary_enterprise_id": b_id, "category": "know_how", "title": "Tutorat en menuiserie", "quantity": "35", "unit": "h", "unit_price": "45"});
    assert_problem(app.post("/api/v1/exchanges", None, &body).await, 401).await;
    assert_problem(app.post("/api/v1/exchanges", Some(a), &body).await, 403).await;
    let problem = assert_problem(
        app.post("/api/v1/exchanges", Some(&market.coordinator), &json!({"provider_enterprise_id": a_id, "beneficiary_enterprise_id": a_id, "category": "know_how", "title": "Non", "unit_price": "1"})).await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["beneficiary_enterprise_id", "title", "unit"]);
    let created = app
        .client
        .post(app.url("/api/v1/exchanges"))
        .bearer_auth(&market.coordinator)
        .header("Idempotency-Key", "create-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["status"], "agreed");
    assert_eq!(created["total_amount"], "1575.00");
    let retried: Value = app
        .client
        .post(app.url("/api/v1/exchanges"))
        .bearer_auth(&market.coordinator)
        .header("Idempotency-Key", "create-1")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(retried["id"], created["id"]);
}

#[tokio::test]
async fn reports_total_exactly_what_was_recorded() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 3).await;
    let id = agreed_exchange(&app, &market).await;
    let (a, _) = &market.members[0];
    start(&app, a, id).await;
    let path = format!("/api/v1/exchanges/{id}/transactions");
    let mut ids = Vec::new();
    for amount in ["0.10", "0.20", "1234.56", "99.99"] {
        let t: Value = app.post(&path, Some(a), &json!({"amount": amount, "vat_rate": "5.5", "occurred_on": "2027-03-15", "description": "=Livraison; \"lot\" n°1"})).await.json().await.unwrap();
        ids.push(t["id"].as_i64().unwrap());
    }
    app.post(
        &format!("/api/v1/transactions/{}/reverse", ids[2]),
        Some(a),
        &json!({}),
    )
    .await;

    assert_problem(app.get("/api/v1/reports/flows", Some(a)).await, 403).await;
    assert_problem(app.get("/api/v1/reports/flows", None).await, 401).await;
    let flows: Value = app
        .get("/api/v1/reports/flows", Some(&market.coordinator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        flows["items"],
        json!([{"provider_pole": "pole-a", "beneficiary_pole": "pole-a", "exchanges": 1, "amount": "100.29"}])
    );
    assert_eq!(flows["total_amount"], "100.29");
    let filtered: Value = app
        .get(
            "/api/v1/reports/flows?from=2027-04-01",
            Some(&market.coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(filtered["total_amount"], "0");
    let problem = assert_problem(
        app.get(
            "/api/v1/reports/flows?from=March&category=gold",
            Some(&market.coordinator),
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["category", "from"]);

    let report: Value = app
        .get("/api/v1/reports/poles/pole-a", Some(&market.coordinator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["exchanges"][0]["key"], "in_progress");
    assert!(report["listings"].as_array().unwrap().len() >= 2);
    assert_problem(app.get("/api/v1/reports/poles/pole-a", Some(a)).await, 403).await;

    let csv = app
        .get(
            "/api/v1/reports/transactions.csv",
            Some(&market.coordinator),
        )
        .await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 6, "header, four transactions, one reversal");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"'=Livraison; \"\"lot\"\" n°1\"")),
        "{}",
        lines[1]
    );
    let sum: rust_decimal::Decimal = lines[1..]
        .iter()
        .map(|l| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(l.as_bytes());
            let record = reader.records().next().unwrap().unwrap();
            record[9].parse::<rust_decimal::Decimal>().unwrap()
        })
        .sum();
    assert_eq!(sum.to_string(), "100.29");

    let excel = app
        .get(
            "/api/v1/reports/transactions.csv?format=excel-fr",
            Some(&market.coordinator),
        )
        .await
        .bytes()
        .await
        .unwrap();
    assert!(excel.starts_with("\u{feff}".as_bytes()));
    let excel = String::from_utf8(excel.to_vec()).unwrap();
    assert!(excel.contains(";1234,56;5,5;67,90;1302,46;"), "{excel}");
}

#[tokio::test]
async fn report_totals_equal_the_exact_sum_of_random_transactions_and_reversals() {
    use rand::{Rng, SeedableRng};
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let id = agreed_exchange(&app, &market).await;
    let (a, _) = &market.members[0];
    start(&app, a, id).await;
    let path = format!("/api/v1/exchanges/{id}/transactions");
    // A fixed seed: the same random sequence on every run, so a failure can be replayed.
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261126);
    let rates = ["0", "2.1", "5.5", "10", "20"];
    let (mut expected, mut expected_incl) =
        (rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ZERO);
    let mut recorded: Vec<(i64, rust_decimal::Decimal, rust_decimal::Decimal)> = Vec::new();
    for _ in 0..40 {
        if !recorded.is_empty() && rng.gen_bool(0.25) {
            let (tid, amount, incl) = recorded.swap_remove(rng.gen_range(0..recorded.len()));
            let reversal = app
                .post(
                    &format!("/api/v1/transactions/{tid}/reverse"),
                    Some(a),
                    &json!({}),
                )
                .await;
            assert_eq!(reversal.status(), 201);
            expected -= amount;
            expected_incl -= incl;
            continue;
        }
        let body = if rng.gen_bool(0.5) {
            json!({"amount": format!("{}.{:02}", rng.gen_range(0..100_000), rng.gen_range(0..100)), "vat_rate": rates[rng.gen_range(0..5)]})
        } else {
            json!({"quantity": format!("{}.{:03}", rng.gen_range(0..500), rng.gen_range(1..1000)), "unit_price": format!("{}.{:04}", rng.gen_range(0..200), rng.gen_range(0..10_000)), "vat_rate": rates[rng.gen_range(0..5)]})
        };
        let created: Value = app.post(&path, Some(a), &body).await.json().await.unwrap();
        let amount: rust_decimal::Decimal = created["amount"].as_str().unwrap().parse().unwrap();
        let incl: rust_decimal::Decimal = created["amount_incl_tax"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        // The rule, computed here independently.
        if let (Some(q), Some(p)) = (body.get("quantity"), body.get("unit_price")) {
            let q: rust_decimal::Decimal = q.as_str().unwrap().parse().unwrap();
            let p: rust_decimal::Decimal = p.as_str().unwrap().parse().unwrap();
            let rounded = (q * p)
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(amount, rounded, "{body}");
        }
        expected += amount;
        expected_incl += incl;
        recorded.push((created["id"].as_i64().unwrap(), amount, incl));
    }
    let list: Value = app.get(&path, Some(a)).await.json().await.unwrap();
    assert_eq!(
        list["totals"]["amount"]
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap(),
        expected
    );
    assert_eq!(
        list["totals"]["amount_incl_tax"]
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap(),
        expected_incl
    );
    let flows: Value = app
        .get("/api/v1/reports/flows", Some(&market.coordinator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        flows["total_amount"]
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap(),
        expected
    );
    let csv = app
        .get(
            "/api/v1/reports/transactions.csv",
            Some(&market.coordinator),
        )
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let csv_sum: rust_decimal::Decimal = reader
        .records()
        .map(|r| r.unwrap()[9].parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(csv_sum, expected);
}

fn utc(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

async fn record_undated(app: &TestApp, token: &str, id: i64) -> Value {
    let response = app
        .post(
            &format!("/api/v1/exchanges/{id}/transactions"),
            Some(token),
            &json!({"amount": "10.00", "vat_rate": "20"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_transaction_recorded_just_after_paris_midnight_is_dated_that_french_day() {
    // 00:30 on 1 December in Paris is still 30 November (23:30) in UTC.
    let app = TestApp::spawn_at(utc("2026-11-30T23:30:00Z")).await;
    let market = Market::open(&app, 2).await;
    let id = agreed_exchange(&app, &market).await;
    let (a, _) = &market.members[0];
    start(&app, a, id).await;
    let recorded = record_undated(&app, a, id).await;
    assert_eq!(recorded["occurred_on"], "2026-12-01");

    // It belongs to December's export, not November's.
    let csv = |from: &str, to: &str| {
        let path = format!("/api/v1/reports/transactions.csv?from={from}&to={to}");
        let coordinator = market.coordinator.clone();
        let app = &app;
        async move {
            let response = app.get(&path, Some(&coordinator)).await;
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    };
    let december = csv("2026-12-01", "2026-12-31").await;
    assert!(december.contains("2026-12-01"), "{december}");
    let november = csv("2026-11-01", "2026-11-30").await;
    assert!(!november.contains("2026-12-01"), "{november}");

    // Around both daylight-saving changes, the day still turns at Paris midnight.
    for (now, day) in [
        ("2026-03-28T22:59:00Z", "2026-03-28"), // 23:59 Paris (UTC+1)
        ("2026-03-28T23:01:00Z", "2026-03-29"), // 00:01 Paris, the short day
        ("2026-03-29T21:30:00Z", "2026-03-29"), // 23:30 Paris (UTC+2)
        ("2026-03-29T22:30:00Z", "2026-03-30"), // 00:30 Paris
        ("2026-10-24T21:30:00Z", "2026-10-24"), // 23:30 Paris (UTC+2)
        ("2026-10-24T22:30:00Z", "2026-10-25"), // 00:30 Paris, the long day
        ("2026-10-25T22:30:00Z", "2026-10-25"), // 23:30 Paris (UTC+1)
        ("2026-10-25T23:30:00Z", "2026-10-26"), // 00:30 Paris
    ] {
        app.clock.set(utc(now));
        let recorded = record_undated(&app, a, id).await;
        assert_eq!(recorded["occurred_on"], day, "at {now}");
    }
}
