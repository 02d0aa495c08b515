//! Emails through a real SMTP server on loopback: the events that send them, the
//! recipients' languages and preferences, and delivery exactly once through outages and
//! with several workers.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{listing_body, Market, TestApp};
use crate::smtp::{ReceivedMail, SmtpServer};

pub fn subjects(mails: &[ReceivedMail]) -> Vec<String> {
    mails
        .iter()
        .map(|m| m.header("Subject").unwrap_or_default())
        .collect()
}

/// Mails whose decoded subject contains `needle`, for `to`.
pub fn find<'a>(mails: &'a [ReceivedMail], to: &str, needle: &str) -> Vec<&'a ReceivedMail> {
    mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t == to) && decoded_subject(m).contains(needle))
        .collect()
}

/// Subjects with non-ASCII characters arrive RFC 2047-encoded; the test server keeps the
/// raw text, so decode the base64 encoded-words (the space between two of them is not
/// part of the text).
pub fn decoded_subject(mail: &ReceivedMail) -> String {
    let raw = mail.header("Subject").unwrap_or_default();
    let mut out = String::new();
    let mut previous_encoded = false;
    for word in raw.split_whitespace() {
        let encoded = word
            .strip_prefix("=?utf-8?b?")
            .or_else(|| word.strip_prefix("=?UTF-8?B?"))
            .and_then(|w| w.strip_suffix("?="));
        let joined_to_previous = previous_encoded && encoded.is_some();
        if !out.is_empty() && !joined_to_previous {
            out.push(' ');
        }
        match encoded {
            Some(encoded) => {
                use base64::Engine;
                out.push_str(&String::from_utf8_lossy(
                    &base64::engine::general_purpose::STANDARD
                        .decode(encoded)
                        .unwrap_or_default(),
                ));
            }
            None => out.push_str(word),
        }
        previous_encoded = encoded.is_some();
    }
    out
}

/// Tomorrow at `hour` o'clock in Paris: when tomorrow's digest (hour 7) is due.
pub fn tomorrow_in_paris_at(hour: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let tomorrow = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
        .succ_opt()
        .unwrap();
    chrono_tz::Europe::Paris
        .from_local_datetime(&tomorrow.and_hms_opt(hour, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// Waits for `expected` messages, then a little longer so that a duplicate would show.
pub async fn settle(app: &TestApp, expected: usize) -> Vec<ReceivedMail> {
    app.wait_for_emails(expected).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    app.smtp.received()
}

#[tokio::test]
async fn matches_and_exchanges_are_announced_in_each_readers_language_once() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    app.patch("/api/v1/me", Some(b), &json!({"locale": "en"}))
        .await;
    let before = settle(&app, 6).await.len(); // welcomes and membership emails so far

    app.create_listing(
        a,
        &listing_body(*a_id, "offer", json!({"title": "Chutes de chêne massif"})),
    )
    .await;
    let need = app
        .create_listing(
            b,
            &listing_body(*b_id, "need", json!({"title": "Oak offcuts wanted"})),
        )
        .await;
    let match_id = need["matches"][0]["id"].as_i64().unwrap();
    let mails = settle(&app, before + 2).await;
    let to_a = find(&mails, "member0@example.fr", "Nouvelle correspondance");
    let to_b = find(&mails, "member1@example.fr", "New match");
    assert_eq!((to_a.len(), to_b.len()), (1, 1), "{:?}", subjects(&mails));
    assert!(to_a[0].data.contains("multipart/alternative"));
    assert!(to_a[0].data.contains("text/html"));
    assert!(
        to_a[0]
            .data
            .contains(&format!("{}/listings/", app.base_url())),
        "links point at the service"
    );

    app.post(
        &format!("/api/v1/matches/{match_id}/accept"),
        Some(a),
        &json!({}),
    )
    .await;
    app.post(
        &format!("/api/v1/matches/{match_id}/accept"),
        Some(b),
        &json!({}),
    )
    .await;
    let mails = settle(&app, before + 2 + 1 + 3).await;
    assert_eq!(
        find(&mails, "member1@example.fr", "Match accepted").len(),
        1,
        "{:?}",
        subjects(&mails)
    );
    // Both enterprises and the pôle's coordinator hear of the exchange.
    assert_eq!(
        find(&mails, "member0@example.fr", "Nouvel échange").len(),
        1,
        "{:?}",
        subjects(&mails)
    );
    assert_eq!(find(&mails, "member1@example.fr", "New exchange").len(), 1);
    assert_eq!(
        find(&mails, "coordination@pole-a.fr", "Nouvel échange").len(),
        1
    );
    let ids: HashSet<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    assert_eq!(ids.len(), mails.len(), "every message once");
}

#[tokio::test]
async fn an_account_that_turned_notifications_off_gets_none() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    app.patch("/api/v1/me", Some(a), &json!({"notifications": "off"}))
        .await;
    let before = settle(&app, 6).await.len();
    app.create_listing(a, &listing_body(*a_id, "offer", json!({})))
        .await;
    app.create_listing(b, &listing_body(*b_id, "need", json!({})))
        .await;
    let mails = settle(&app, before + 1).await;
    assert_eq!(
        find(&mails, "member1@example.fr", "Nouvelle correspondance").len(),
        1
    );
    assert!(find(&mails, "member0@example.fr", "Nouvelle correspondance").is_empty());
}

#[tokio::test]
async fn coordinators_hear_of_requests_and_members_of_approvals() {
    let app = TestApp::spawn().await;
    let _market = Market::open(&app, 1).await;
    let mails = settle(&app, 4).await;
    // Market::open registered a member, who asked to join, and was approved.
    assert_eq!(
        find(&mails, "coordination@pole-a.fr", "rejoindre").len(),
        1,
        "{:?}",
        subjects(&mails)
    );
    assert_eq!(
        find(&mails, "member0@example.fr", "Bienvenue dans le p").len(),
        1,
        "{:?}",
        subjects(&mails)
    );
}

#[tokio::test]
async fn an_smtp_outage_delays_mail_but_loses_and_doubles_nothing() {
    // A port where nothing listens yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::spawn_with(move |settings| {
        settings.mail.smtp_url = format!("smtp://127.0.0.1:{port}");
    })
    .await;
    for n in 0..5 {
        app.register(&format!("outage{n}@example.fr")).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pending: i64 = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            use ptce_exchange::schema::outbox;
            outbox::table
                .filter(outbox::status.eq("pending"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(pending, 5, "nothing is lost while the server is down");

    let server = SmtpServer::start_on(port).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.received().len() < 5 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = server.received();
    let recipients: HashSet<String> = received.iter().flat_map(|m| m.to.clone()).collect();
    assert_eq!(received.len(), 5, "each message exactly once");
    assert_eq!(recipients.len(), 5);
    assert_eq!(server.port(), port);
}

#[tokio::test]
async fn two_workers_on_one_database_send_each_message_once() {
    use ptce_exchange::email::worker::{self, WorkerSettings};
    use ptce_exchange::email::Mailer;
    use ptce_exchange::models::outbox::{self, NewEmail};

    let app = TestApp::spawn().await;
    app.with_conn(|conn| {
        for n in 0..40 {
            outbox::enqueue(
                conn,
                &NewEmail {
                    dedup_key: format!("load:{n}"),
                    recipient: format!("load{n}@example.fr"),
                    subject: format!("Message {n}"),
                    text_body: "texte".into(),
                    html_body: "<p>texte</p>".into(),
                    unsubscribe_url: None,
                    calendar_ics: None,
                },
            )
            .unwrap();
        }
    })
    .await;
    // A second worker, as another node would run, on the same database and SMTP server.
    let settings = crate::helpers::test_settings(app.database_url(), &app.smtp);
    let mailer = Mailer::from_settings(&settings.mail).unwrap();
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(worker::run(
        app.pool.clone(),
        mailer,
        WorkerSettings::from_settings(&settings, ptce_exchange::ops::upkeep::run),
        stopped,
    ));

    let mails = settle(&app, 40).await;
    let loads: Vec<&ReceivedMail> = mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t.starts_with("load")))
        .collect();
    assert_eq!(loads.len(), 40);
    let unique: HashSet<&String> = loads.iter().flat_map(|m| m.to.iter()).collect();
    assert_eq!(unique.len(), 40, "no message sent twice");
}

#[tokio::test]
async fn admins_see_and_retry_dead_mail() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::spawn_with(move |settings| {
        settings.mail.smtp_url = format!("smtp://127.0.0.1:{port}");
        settings.mail.max_attempts = 1;
    })
    .await;
    let (member, _) = app.register("parked@example.fr").await;
    let admin = app.admin_token().await;
    let mut dead = serde_json::Value::Null;
    for _ in 0..50 {
        dead = app
            .get("/api/v1/admin/outbox/dead", Some(&admin))
            .await
            .json()
            .await
            .unwrap();
        if !dead["items"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let item = &dead["items"][0];
    assert_eq!(item["recipient"], "parked@example.fr");
    assert!(item["last_error"].is_string());
    crate::helpers::assert_problem(
        app.get("/api/v1/admin/outbox/dead", Some(&member)).await,
        403,
    )
    .await;
    crate::helpers::assert_problem(app.get("/api/v1/admin/outbox/dead", None).await, 401).await;
    let retry = format!("/api/v1/admin/outbox/{}/retry", item["id"]);
    crate::helpers::assert_problem(app.post(&retry, Some(&member), &json!({})).await, 403).await;

    let server = SmtpServer::start_on(port).await;
    let response = app.post(&retry, Some(&admin), &json!({})).await;
    assert_eq!(response.status(), 204);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.received().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(server.received().len(), 1);
    crate::helpers::assert_problem(app.post(&retry, Some(&admin), &json!({})).await, 404).await;
}

#[tokio::test]
async fn the_unsubscribe_link_works_without_signing_in() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    let before = settle(&app, 6).await.len();
    app.create_listing(a, &listing_body(*a_id, "offer", json!({})))
        .await;
    app.create_listing(b, &listing_body(*b_id, "need", json!({})))
        .await;
    let mails = settle(&app, before + 2).await;
    let notice = find(&mails, "member0@example.fr", "Nouvelle correspondance")[0];
    assert_eq!(
        notice.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let link = notice.header("List-Unsubscribe").unwrap();
    let url = link
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string();
    assert!(
        url.starts_with(&format!("{}/unsubscribe?token=", app.base_url())),
        "{url}"
    );
    let path = &url[app.base_url().len()..];

    // A forged token is refused; the real one needs no session.
    let forged = app
        .client
        .post(app.url("/unsubscribe?token=1.deadbeef"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    let page = app.get(path, None).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    let done = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let me: serde_json::Value = app.get("/api/v1/me", Some(a)).await.json().await.unwrap();
    assert_eq!(
        me["notifications"],
        json!({"matches": "off", "exchanges": "off", "memberships": "off", "listings": "off", "alerts": "off", "messages": "off", "visits": "off"})
    );
}

#[tokio::test]
async fn a_daily_family_gathers_its_events_into_one_digest_at_the_hour() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    // Member 1 reads English and wants matches once a day, everything else at once.
    app.patch(
        "/api/v1/me",
        Some(b),
        &json!({"locale": "en", "notifications": {"matches": "daily"}}),
    )
    .await;
    let before = settle(&app, 6).await.len();
    app.create_listing(
        a,
        &listing_body(*a_id, "offer", json!({"title": "Chutes de chêne massif"})),
    )
    .await;
    app.create_listing(
        b,
        &listing_body(*b_id, "need", json!({"title": "Oak offcuts"})),
    )
    .await;
    app.create_listing(
        a,
        &listing_body(*a_id, "offer", json!({"title": "Planches de chêne"})),
    )
    .await;
    let mails = settle(&app, before + 2).await;
    assert_eq!(
        find(&mails, "member0@example.fr", "Nouvelle correspondance").len(),
        2
    );
    assert!(
        find(&mails, "member1@example.fr", "match").is_empty(),
        "{:?}",
        subjects(&mails)
    );

    // Before the hour, nothing; at the hour, one digest with both matches; then nothing more.
    let now = chrono::Utc::now();
    let today_at_seven = tomorrow_in_paris_at(7) - chrono::Duration::days(1);
    if now < today_at_seven {
        app.housekeeping_at(now, 7).await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(app.smtp.received().len(), mails.len());
    }
    let at_the_hour = tomorrow_in_paris_at(7);
    app.housekeeping_at(at_the_hour, 7).await;
    app.housekeeping_at(at_the_hour + chrono::Duration::minutes(1), 7)
        .await;
    let mails = settle(&app, mails.len() + 1).await;
    let digests = find(&mails, "member1@example.fr", "digest");
    assert_eq!(digests.len(), 1, "{:?}", subjects(&mails));
    assert!(decoded_subject(digests[0]).contains("2 updates"));
    let text = digests[0].decoded();
    assert!(
        text.contains("Planches de chêne") && text.contains("Chutes de chêne massif"),
        "{text}"
    );
    assert!(digests[0].header("List-Unsubscribe").is_some());
    // Member 0 chose instant: no digest for them.
    assert!(find(&mails, "member0@example.fr", "résumé").is_empty());
}

#[tokio::test]
async fn a_family_turned_off_is_silent_while_the_others_still_speak() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    app.patch(
        "/api/v1/me",
        Some(a),
        &json!({"notifications": {"matches": "off"}}),
    )
    .await;
    let before = settle(&app, 6).await.len();
    app.create_listing(a, &listing_body(*a_id, "offer", json!({})))
        .await;
    let need = app
        .create_listing(b, &listing_body(*b_id, "need", json!({})))
        .await;
    let match_id = need["matches"][0]["id"].as_i64().unwrap();
    for token in [a, b] {
        app.post(
            &format!("/api/v1/matches/{match_id}/accept"),
            Some(token),
            &json!({}),
        )
        .await;
    }
    // Member 1: new match, accepted, exchange; member 0: exchange only; coordinator: exchange.
    let mails = settle(&app, before + 5).await;
    assert!(
        find(&mails, "member0@example.fr", "correspondance").is_empty(),
        "{:?}",
        subjects(&mails)
    );
    assert_eq!(
        find(&mails, "member0@example.fr", "Nouvel échange").len(),
        1
    );
}

#[tokio::test]
async fn status_changes_transactions_and_reversals_are_announced() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    app.create_listing(a, &listing_body(*a_id, "offer", json!({})))
        .await;
    let need = app
        .create_listing(b, &listing_body(*b_id, "need", json!({})))
        .await;
    let match_id = need["matches"][0]["id"].as_i64().unwrap();
    let mut exchange = 0;
    for token in [a, b] {
        let answered: serde_json::Value = app
            .post(
                &format!("/api/v1/matches/{match_id}/accept"),
                Some(token),
                &json!({}),
            )
            .await
            .json()
            .await
            .unwrap();
        exchange = answered["exchange_id"].as_i64().unwrap_or(exchange);
    }
    let before = settle(&app, 6 + 2 + 1 + 3).await.len();
    let response = app
        .post(
            &format!("/api/v1/exchanges/{exchange}/transition"),
            Some(a),
            &json!({"to": "in_progress"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let recorded: serde_json::Value = app
        .post(
            &format!("/api/v1/exchanges/{exchange}/transactions"),
            Some(a),
            &json!({"amount": "1234.50", "vat_rate": "20", "description": "Première livraison"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let response = app
        .post(
            &format!("/api/v1/transactions/{}/reverse", recorded["id"]),
            Some(a),
            &json!({"description": "Erreur de saisie"}),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    // Three events, each to both members and the coordinator.
    let mails = settle(&app, before + 9).await;
    for to in [
        "member0@example.fr",
        "member1@example.fr",
        "coordination@pole-a.fr",
    ] {
        assert_eq!(
            find(&mails, to, "change en cours").len(),
            1,
            "{to}: {:?}",
            subjects(&mails)
        );
        assert_eq!(find(&mails, to, "Opération enregistrée").len(), 1, "{to}");
        assert_eq!(find(&mails, to, "Opération annulée").len(), 1, "{to}");
    }
    let recorded_mail = find(&mails, "member1@example.fr", "Opération enregistrée")[0].decoded();
    assert!(
        recorded_mail.contains("1\u{202f}481,40\u{a0}€"),
        "{recorded_mail}"
    );
    assert!(recorded_mail.contains(&format!("{}/exchanges/{exchange}", app.base_url())));
}

#[tokio::test]
async fn owners_are_warned_three_days_before_a_listing_ends_once_per_end_date() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (a, a_id) = &market.members[0];
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    let soon = today + chrono::Days::new(2);
    let later = today + chrono::Days::new(30);
    let ending = app
        .create_listing(a, &listing_body(*a_id, "offer", json!({"title": "Bientôt fini", "valid_until": soon.to_string(), "available_from": null})))
        .await;
    app.create_listing(a, &listing_body(*a_id, "offer", json!({"title": "Encore longtemps", "valid_until": later.to_string(), "available_from": null})))
        .await;
    let before = settle(&app, 4).await.len();
    app.housekeeping_at(chrono::Utc::now(), 7).await;
    app.housekeeping_at(chrono::Utc::now(), 7).await;
    let mails = settle(&app, before + 1).await;
    let warnings = find(&mails, "member0@example.fr", "expire le");
    assert_eq!(warnings.len(), 1, "{:?}", subjects(&mails));
    assert!(decoded_subject(warnings[0]).contains("Bientôt fini"));
    assert!(warnings[0]
        .decoded()
        .contains(&soon.format("%d/%m/%Y").to_string()));
    assert!(warnings[0]
        .decoded()
        .contains(&format!("/listings/{}", ending["id"])));

    // A new end date, still close: warned again, once.
    let id = ending["id"].as_i64().unwrap();
    let sooner = today + chrono::Days::new(1);
    let response = app
        .patch(
            &format!("/api/v1/listings/{id}"),
            Some(a),
            &json!({"valid_until": sooner.to_string()}),
        )
        .await;
    assert_eq!(response.status(), 200);
    app.housekeeping_at(chrono::Utc::now(), 7).await;
    let mails = settle(&app, before + 2).await;
    assert_eq!(find(&mails, "member0@example.fr", "expire le").len(), 2);
}

#[tokio::test]
async fn the_welcome_email_verifies_the_address_without_signing_in() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register("nouvelle@example.fr").await;
    let mails = app.wait_for_emails(1).await;
    let text = mails[0].decoded();
    assert!(decoded_subject(&mails[0]).contains("Bienvenue"));
    let start = text
        .find("/verify-email?token=")
        .expect("a verification link");
    let path: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect();
    assert!(text.contains(&format!("{}{path}", app.base_url())));

    // A forged token, or one for another account, is refused.
    let forged = app.get("/verify-email?token=1.00ff", None).await;
    assert_eq!(forged.status(), 400);
    crate::helpers::assert_problem(
        app.post(
            "/api/v1/auth/verify-email",
            None,
            &json!({"token": "2.abcd"}),
        )
        .await,
        422,
    )
    .await;
    let me: serde_json::Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email_verified"], false);

    let page = app.get(&path, None).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("confirmée"));
    let me: serde_json::Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email_verified"], true);
    // Following it again is harmless.
    assert_eq!(app.get(&path, None).await.status(), 200);
}
