//! Saved searches: their API, and the emails they send when a listing that fits opens.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, listing_body, Market, TestApp};
use crate::notifications::{decoded_subject, find, settle, subjects};

#[tokio::test]
async fn alerts_are_created_listed_and_deleted_by_their_owner_only() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.register("veille@example.fr").await;
    let (other, _) = app.register("autre@example.fr").await;
    assert_problem(app.get("/api/v1/alerts", None).await, 401).await;
    assert_problem(
        app.post("/api/v1/alerts", None, &json!({"kind": "offer"}))
            .await,
        401,
    )
    .await;

    let response = app
        .post(
            "/api/v1/alerts",
            Some(&owner),
            &json!({"kind": "offer", "category": "local_resource", "naf": "16.1", "commune": "26281", "radius_km": 40, "keywords": "chêne", "frequency": "daily"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["naf"], "16.1");
    assert_eq!(created["commune"]["code"], "26281");
    assert_eq!(created["commune"]["name"], "Romans-sur-Isère");
    assert_eq!(created["radius_km"], 40);
    assert_eq!(created["frequency"], "daily");
    let id = created["id"].as_i64().unwrap();

    let mine: Value = app
        .get("/api/v1/alerts", Some(&owner))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let theirs: Value = app
        .get("/api/v1/alerts", Some(&other))
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs["items"].as_array().unwrap().is_empty());

    // Someone else's alert does not exist for them.
    let path = format!("/api/v1/alerts/{id}");
    let response = app
        .request(reqwest::Method::DELETE, &path, Some(&other), None)
        .await;
    assert_eq!(response.status(), 404);
    let response = app
        .request(reqwest::Method::DELETE, &path, Some(&owner), None)
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .request(reqwest::Method::DELETE, &path, Some(&owner), None)
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn bad_alerts_are_refused_with_the_fields_at_fault_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.register("veille@example.fr").await;
    for (body, fields) in [
        (json!({}), vec!["criteria"]),
        (json!({"naf": "99.99Z"}), vec!["naf"]),
        (json!({"naf": "abc"}), vec!["naf"]),
        (json!({"commune": "00000"}), vec!["commune"]),
        (json!({"kind": "offer", "radius_km": 20}), vec!["radius_km"]),
        (
            json!({"commune": "26281", "radius_km": 5000}),
            vec!["radius_km"],
        ),
        (json!({"keywords": "x".repeat(201)}), vec!["keywords"]),
        (json!({"kind": "barter"}), vec!["kind"]),
        (
            json!({"kind": "offer", "frequency": "hourly"}),
            vec!["frequency"],
        ),
    ] {
        let problem =
            assert_problem(app.post("/api/v1/alerts", Some(&owner), &body).await, 422).await;
        assert_eq!(error_fields(&problem), fields, "{body}");
    }
    let mine: Value = app
        .get("/api/v1/alerts", Some(&owner))
        .await
        .json()
        .await
        .unwrap();
    assert!(mine["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_listing_that_fits_an_alert_is_emailed_once_and_others_are_not() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, _) = &market.members[1];
    // Member 1 looks for oak near Romans; member 0 too, but it will post the listing itself.
    let watch = json!({"kind": "offer", "naf": "16", "commune": "26281", "radius_km": 30, "keywords": "chêne"});
    assert_eq!(
        app.post("/api/v1/alerts", Some(b), &watch).await.status(),
        201
    );
    assert_eq!(
        app.post("/api/v1/alerts", Some(a), &watch).await.status(),
        201
    );
    let before = settle(&app, 6).await.len();

    // Fits: an oak offer in Valence (about 18 km away), NAF 16.10A under 16.
    let fits = app
        .create_listing(
            a,
            &listing_body(
                *a_id,
                "offer",
                json!({"title": "Chutes de chêne massif", "commune": "26362"}),
            ),
        )
        .await;
    // Does not fit: wrong words; too far (Lyon, about 90 km); a need, not an offer.
    app.create_listing(
        a,
        &listing_body(
            *a_id,
            "offer",
            json!({"title": "Palettes de pin", "description": "Pin traité."}),
        ),
    )
    .await;
    app.create_listing(
        a,
        &listing_body(
            *a_id,
            "offer",
            json!({"title": "Chêne de Lyon", "commune": "69123"}),
        ),
    )
    .await;
    app.create_listing(
        a,
        &listing_body(*a_id, "need", json!({"title": "Cherche du chêne"})),
    )
    .await;
    let mails = settle(&app, before + 1).await;
    let alerts = find(&mails, "member1@example.fr", "pour votre alerte");
    assert_eq!(alerts.len(), 1, "{:?}", subjects(&mails));
    assert!(decoded_subject(alerts[0]).contains("Chutes de chêne massif"));
    assert!(alerts[0]
        .decoded()
        .contains(&format!("{}/listings/{}", app.base_url(), fits["id"])));
    assert!(alerts[0].header("List-Unsubscribe").is_some());
    // Its own enterprise's account is not alerted about its own listing.
    assert!(find(&mails, "member0@example.fr", "pour votre alerte").is_empty());

    // Closing and reopening, or editing, does not alert again.
    let id = fits["id"].as_i64().unwrap();
    let response = app
        .patch(
            &format!("/api/v1/listings/{id}"),
            Some(a),
            &json!({"description": "Chêne sec, encore plus."}),
        )
        .await;
    assert_eq!(response.status(), 200);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mails = app.smtp.received();
    assert_eq!(
        find(&mails, "member1@example.fr", "pour votre alerte").len(),
        1
    );
}

#[tokio::test]
async fn a_daily_alert_waits_for_the_digest() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, _) = &market.members[1];
    app.patch("/api/v1/me", Some(b), &json!({"locale": "en"}))
        .await;
    app.post(
        "/api/v1/alerts",
        Some(b),
        &json!({"category": "local_resource", "frequency": "daily"}),
    )
    .await;
    let before = settle(&app, 6).await.len();
    app.create_listing(
        a,
        &listing_body(
            *a_id,
            "offer",
            json!({"title": "Sciure de hêtre", "naf": "16.29Z"}),
        ),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(find(&app.smtp.received(), "member1@example.fr", "alert").is_empty());

    app.housekeeping_at(crate::notifications::tomorrow_in_paris_at(8), 7)
        .await;
    let mails = settle(&app, before + 1).await;
    let digests = find(&mails, "member1@example.fr", "digest");
    assert_eq!(digests.len(), 1, "{:?}", subjects(&mails));
    let text = digests[0].decoded();
    assert!(text.contains("Sciure de hêtre"), "{text}");
    assert!(text.contains(&format!("{}/listings/", app.base_url())));
}

/// Publishing only queues the listing; the worker tells its alerts in one transaction per
/// listing, skips a listing closed meanwhile, and takes each queued listing once.
#[tokio::test]
async fn alerts_are_told_by_the_worker_from_a_queue_that_publishing_fills() {
    let (app, market) = queue_run_by_hand().await;
    let (a, a_id) = &market.members[0];
    // Closed before the worker came by: taken off the queue, nobody told.
    let closed = app
        .create_listing(
            a,
            &listing_body(
                *a_id,
                "offer",
                json!({"title": "Chêne vendu aussitôt", "commune": "26362"}),
            ),
        )
        .await;
    assert_eq!(queued(&app).await, 1, "publishing queues the listing");
    let response = app
        .post(
            &format!("/api/v1/listings/{}/close", closed["id"]),
            Some(a),
            &json!({"reason": "fulfilled"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(tell(&app).await, 1);
    assert_eq!(queued(&app).await, 0);
    assert_eq!(alert_emails(&app).await, 0);

    // Still open: its alert's email is written, once, however often the queue is run.
    app.create_listing(
        a,
        &listing_body(
            *a_id,
            "offer",
            json!({"title": "Plateaux de chêne", "commune": "26362"}),
        ),
    )
    .await;
    assert_eq!(
        alert_emails(&app).await,
        0,
        "nothing is told while publishing"
    );
    assert_eq!(tell(&app).await, 1);
    assert_eq!(tell(&app).await, 0, "the queue is empty");
    assert_eq!(alert_emails(&app).await, 1);
}

async fn queued(app: &TestApp) -> i64 {
    app.with_conn(|conn| ptce_exchange::models::alert::queued(conn).unwrap())
        .await
}

async fn alert_emails(app: &TestApp) -> i64 {
    app.with_conn(|conn| {
        use diesel::prelude::*;
        use ptce_exchange::schema::outbox;
        outbox::table
            .filter(outbox::dedup_key.like("alert:%"))
            .count()
            .get_result::<i64>(conn)
            .unwrap()
    })
    .await
}

async fn tell(app: &TestApp) -> usize {
    let links = app.links.clone();
    app.with_conn(move |conn| {
        ptce_exchange::email::worker::tell_queued_alerts(conn, &links).unwrap()
    })
    .await
}

/// A listing whose alerts cannot be told waits behind the others and is given up after a
/// few attempts: it never holds up the queue.
#[tokio::test]
async fn a_listing_whose_alerts_fail_does_not_hold_up_the_others() {
    use diesel::connection::SimpleConnection;
    use diesel::RunQueryDsl;
    let (app, market) = queue_run_by_hand().await;
    let (a, a_id) = &market.members[0];
    let poison = app
        .create_listing(
            a,
            &listing_body(
                *a_id,
                "offer",
                json!({"title": "Chêne qui fâche", "commune": "26362"}),
            ),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.create_listing(
        a,
        &listing_body(
            *a_id,
            "offer",
            json!({"title": "Chêne sans histoire", "commune": "26362"}),
        ),
    )
    .await;
    // Recording a hit of the first listing fails, as a broken row or a bug would.
    app.with_conn(move |conn| {
        conn.batch_execute(&format!(
            "CREATE FUNCTION refuse_hit() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN IF NEW.listing_id = {poison} THEN RAISE EXCEPTION 'broken'; END IF;
             RETURN NEW; END $$;
             CREATE TRIGGER refuse_hit BEFORE INSERT ON alert_hits
             FOR EACH ROW EXECUTE FUNCTION refuse_hit();"
        ))
        .unwrap();
    })
    .await;

    assert_eq!(tell(&app).await, 2, "both are taken, the first one first");
    assert_eq!(alert_emails(&app).await, 1, "the second one is told");
    assert_eq!(
        queued(&app).await,
        1,
        "the first one waits to be tried again"
    );
    assert_eq!(tell(&app).await, 0, "not before its delay");

    // Due again, at its last attempt: given up, the queue is empty.
    app.with_conn(|conn| {
        diesel::sql_query("UPDATE alert_queue SET queued_at = now(), attempts = 4")
            .execute(conn)
            .unwrap();
    })
    .await;
    assert_eq!(tell(&app).await, 1);
    assert_eq!(queued(&app).await, 0);
    assert_eq!(alert_emails(&app).await, 1);
}

/// A service whose own worker sleeps for an hour after its first pass, so that the test
/// runs the alert queue by hand, and a market of two members, the second watching for oak
/// offers within 30 km of Romans-sur-Isère.
async fn queue_run_by_hand() -> (TestApp, Market) {
    let app = TestApp::spawn_with(|s| s.mail.poll_interval_ms = 3_600_000).await;
    let market = Market::open(&app, 2).await;
    let watch = json!({"kind": "offer", "commune": "26281", "radius_km": 30, "keywords": "chêne"});
    let response = app
        .post("/api/v1/alerts", Some(&market.members[1].0), &watch)
        .await;
    assert_eq!(response.status(), 201);
    (app, market)
}
