//! Abuse limits (`[limits]`): counted in PostgreSQL per account (or e-mail address) and per
//! client address, so they hold across app nodes; an excess is 429 problem+json with
//! Retry-After, the same for known and unknown accounts.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, TestApp};

async fn limited_app() -> TestApp {
    TestApp::spawn_with(|s| s.limits.enabled = true).await
}

async fn reset(client: &reqwest::Client, base: &str, email: &str) -> reqwest::Response {
    client
        .post(format!("{base}/api/v1/auth/password-reset"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn twelve_password_resets_for_one_account_send_three_emails_and_then_429() {
    let app = limited_app().await;
    app.register("camille@example.fr").await;
    let mut statuses = Vec::new();
    let mut refused: Option<reqwest::Response> = None;
    for _ in 0..12 {
        let response = reset(&app.client, &app.address, "camille@example.fr").await;
        statuses.push(response.status().as_u16());
        if response.status() == 429 && refused.is_none() {
            refused = Some(response);
        }
    }
    // The default is 3 per address per hour.
    assert_eq!(&statuses[..3], &[202, 202, 202], "{statuses:?}");
    assert!(statuses[3..].iter().all(|s| *s == 429), "{statuses:?}");
    let refused = refused.unwrap();
    let wait: u64 = refused
        .headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "Retry-After {wait}");
    let problem = assert_problem(refused, 429).await;
    assert_eq!(problem["code"], "rate_limited");
    // The welcome email and three reset emails, no more.
    let mails = app.wait_for_emails(4).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.smtp.received().len(), mails.len());
    assert_eq!(mails.len(), 4);
}

#[tokio::test]
async fn an_unknown_address_is_limited_exactly_like_a_known_one() {
    let app = limited_app().await;
    app.register("known@example.fr").await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..5 {
        known.push(
            reset(&app.client, &app.address, "known@example.fr")
                .await
                .status()
                .as_u16(),
        );
        unknown.push(
            reset(&app.client, &app.address, "nobody@example.fr")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(known, unknown);
    assert_eq!(known, vec![202, 202, 202, 429, 429]);
}

#[tokio::test]
async fn limits_hold_across_two_app_nodes_sharing_the_database() {
    let app = limited_app().await;
    let second = app.second_node(|s| s.limits.enabled = true).await;
    app.register("lea@example.fr").await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        // Alternate nodes, as a load balancer would.
        let base = if n % 2 == 0 { &app.address } else { &second };
        statuses.push(
            reset(&app.client, base, "lea@example.fr")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, vec![202, 202, 202, 429, 429, 429]);
}

#[tokio::test]
async fn too_many_failed_logins_get_429_whether_or_not_the_account_exists() {
    let app = limited_app().await;
    app.register("sam@example.fr").await;
    for email in ["sam@example.fr", "ghost@example.fr"] {
        let mut last = 0;
        for _ in 0..11 {
            last = app
                .post(
                    "/api/v1/auth/login",
                    None,
                    &json!({"email": email, "password": "not the password"}),
                )
                .await
                .status()
                .as_u16();
        }
        assert_eq!(last, 429, "{email}");
    }
}

#[tokio::test]
async fn registrations_from_one_address_are_limited() {
    let app = TestApp::spawn_with(|s| {
        s.limits.enabled = true;
        s.limits.registration.per_address = 2;
    })
    .await;
    let mut statuses = Vec::new();
    for n in 0..3 {
        let response = app
            .post(
                "/api/v1/auth/register",
                None,
                &json!({"email": format!("r{n}@example.fr"), "password": "correct horse battery", "display_name": "R"}),
            )
            .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, vec![201, 201, 429]);
    // Nothing was written by the refused one.
    let count: i64 = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            ptce_exchange::schema::accounts::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(count, 2);
}

#[tokio::test]
async fn limits_can_be_turned_off() {
    let app = TestApp::spawn_with(|s| s.limits.enabled = false).await;
    app.register("off@example.fr").await;
    for _ in 0..8 {
        assert_eq!(
            reset(&app.client, &app.address, "off@example.fr")
                .await
                .status(),
            202
        );
    }
    let _: Option<Value> = None;
}
