//! Snapshots (insta) of what clients and readers receive: problem bodies, the OpenAPI
//! document, every email in French and English, and the main views. Ids and instants are
//! redacted; review changes with `cargo insta review`.

use serde_json::{json, Value};

use crate::helpers::{listing_body, Market, TestApp};
use ptce_exchange::domain::account::Locale;
use ptce_exchange::domain::Arg;
use ptce_exchange::email::messages::{self, Addressee, DigestLine, Notice};

/// Replaces ids, instants and dates (which change from run to run) by placeholders.
fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let volatile = key == "id"
                    || key.ends_with("_id")
                    || key.ends_with("_at")
                    || key == "cursor"
                    || key == "next_cursor"
                    || key == "token"
                    || key == "occurred_on"
                    || key == "at"
                    || key == "by"
                    || key == "valid_until";
                if volatile && !item.is_null() {
                    *item = json!(format!("[{key}]"));
                } else {
                    redact(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// A JSON snapshot, written by serde_json itself (exact decimals stay as they are sent).
fn snapshot(name: &str, value: &Value) {
    insta::assert_snapshot!(name, serde_json::to_string_pretty(value).unwrap());
}

async fn body(response: reqwest::Response) -> Value {
    let status = response.status().as_u16();
    let mut value: Value = response.json().await.unwrap();
    redact(&mut value);
    json!({"status": status, "body": value})
}

#[tokio::test]
async fn problem_bodies() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register("camille@example.fr").await;
    let mut problems = serde_json::Map::new();
    problems.insert(
        "401_no_token".into(),
        body(app.get("/api/v1/me", None).await).await,
    );
    problems.insert(
        "403_admin_only".into(),
        body(
            app.post(
                "/api/v1/poles",
                Some(&token),
                &json!({"slug": "pole-x", "name": "Pôle X", "commune": "26281", "departements": ["26"]}),
            )
            .await,
        )
        .await,
    );
    problems.insert(
        "404".into(),
        body(app.get("/api/v1/listings/999999", Some(&token)).await).await,
    );
    problems.insert(
        "409_email_taken".into(),
        body(
            app.post(
                "/api/v1/auth/register",
                None,
                &json!({"email": "Camille@Example.fr", "password": "correct horse battery", "display_name": "C"}),
            )
            .await,
        )
        .await,
    );
    problems.insert(
        "422_fields".into(),
        body(
            app.post(
                "/api/v1/enterprises",
                Some(&token),
                &json!({"siret": "11122233344455", "name": "", "legal_form": "scop", "ess": true, "naf": "99.99Z", "commune": "99999", "headcount": -1, "poles": []}),
            )
            .await,
        )
        .await,
    );
    problems.insert(
        "422_unknown_query_parameter".into(),
        body(app.get("/api/v1/listings?colour=blue", None).await).await,
    );
    let malformed = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    problems.insert("400_malformed_json".into(), body(malformed).await);
    let wrong_method = app
        .client
        .delete(app.url("/api/v1/poles"))
        .send()
        .await
        .unwrap();
    problems.insert("405".into(), body(wrong_method).await);
    snapshot("problems", &Value::Object(problems));
}

#[tokio::test]
async fn the_openapi_document() {
    let app = TestApp::spawn().await;
    let document: Value = app
        .get("/api/v1/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    snapshot("openapi", &document);
}

#[tokio::test]
async fn the_main_views() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (seller, seller_id) = &market.members[0];
    let (buyer, buyer_id) = &market.members[1];
    let offer = app
        .create_listing(
            seller,
            &listing_body(
                *seller_id,
                "offer",
                json!({"quantity": "800", "unit": "kg", "unit_price": "0.12"}),
            ),
        )
        .await;
    let need = app
        .create_listing(
            buyer,
            &listing_body(*buyer_id, "need", json!({"title": "Bois de chêne pour l'atelier", "quantity": "1", "unit": "t", "unit_price": "150"})),
        )
        .await;
    let match_id = need["matches"][0]["id"].as_i64().unwrap();
    let mut exchange_id = None;
    for token in [buyer, seller] {
        let answered: Value = app
            .post(
                &format!("/api/v1/matches/{match_id}/accept"),
                Some(token),
                &json!({}),
            )
            .await
            .json()
            .await
            .unwrap();
        exchange_id = answered["exchange_id"].as_i64();
    }
    let exchange_id = exchange_id.expect("both sides accepted: an exchange");
    let moved = app
        .post(
            &format!("/api/v1/exchanges/{exchange_id}/transition"),
            Some(seller),
            &json!({"to": "in_progress"}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let recorded = app
        .post(
            &format!("/api/v1/exchanges/{exchange_id}/transactions"),
            Some(seller),
            &json!({"quantity": "800", "unit_price": "0.12", "vat_rate": "20", "description": "Livraison"}),
        )
        .await;
    assert_eq!(recorded.status(), 201);
    let mut views = serde_json::Map::new();
    let get = |path: String, token: String| {
        let app = &app;
        async move {
            let mut value: Value = app.get(&path, Some(&token)).await.json().await.unwrap();
            redact(&mut value);
            value
        }
    };
    let mut created = offer.clone();
    redact(&mut created);
    views.insert("listing_created".into(), created);
    views.insert(
        "listing_as_stranger".into(),
        get(format!("/api/v1/listings/{}", offer["id"]), buyer.clone()).await,
    );
    views.insert(
        "matches_of_the_need".into(),
        get(
            format!("/api/v1/listings/{}/matches", need["id"]),
            buyer.clone(),
        )
        .await,
    );
    views.insert(
        "exchange".into(),
        get(format!("/api/v1/exchanges/{exchange_id}"), buyer.clone()).await,
    );
    views.insert(
        "transactions".into(),
        get(
            format!("/api/v1/exchanges/{exchange_id}/transactions"),
            buyer.clone(),
        )
        .await,
    );
    views.insert(
        "flows".into(),
        get("/api/v1/reports/flows".into(), market.coordinator.clone()).await,
    );
    snapshot("views", &Value::Object(views));
}

/// A sample value for a message argument, by its name.
fn sample(name: &str) -> Arg {
    match name {
        "count" | "days" | "percent" | "hours" | "max" | "min" | "seconds" | "hour" => {
            Arg::Number(3)
        }
        "amount" | "price" => Arg::Money(rust_decimal::Decimal::new(148140, 2)),
        "date" => Arg::Date(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
        "status" | "from" | "to" => Arg::from("in_progress"),
        "kind" => Arg::from("offer"),
        "category" => Arg::from("local_resource"),
        "url" => Arg::from("https://ptce.example/x"),
        other => Arg::from(format!("«{other}»")),
    }
}

/// The Fluent ids of every email, and the arguments their messages use.
fn emails() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/locales/fr/emails.ftl"
    ))
    .unwrap()
        + &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/locales/en/emails.ftl"
        ))
        .unwrap();
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    let mut current: Option<usize> = None;
    for line in text.lines() {
        if let Some((id, _)) = line.split_once(" = ") {
            current = None;
            if let Some(key) = id
                .strip_suffix("-subject")
                .or_else(|| id.strip_suffix("-body"))
            {
                let at = match found.iter().position(|(k, _)| k == key) {
                    Some(at) => at,
                    None => {
                        found.push((key.to_string(), Vec::new()));
                        found.len() - 1
                    }
                };
                current = Some(at);
            }
        }
        if let Some(at) = current {
            for part in line.split('$').skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && !found[at].1.contains(&name) {
                    found[at].1.push(name);
                }
            }
        }
    }
    found
}

#[test]
fn every_email_in_french_and_english() {
    let mut rendered = String::new();
    let keys = emails();
    assert!(keys.len() >= 15, "{keys:?}");
    for (key, names) in keys {
        for locale in [Locale::Fr, Locale::En] {
            let to = Addressee {
                email: "camille@example.fr".into(),
                display_name: "Camille".into(),
                locale,
            };
            let email = if key == "email-digest" {
                let lines = vec![DigestLine {
                    subject: "Nouvelle correspondance".into(),
                    summary: "Chutes de chêne ↔ Bois pour l'atelier".into(),
                    link: "https://ptce.example/listings/1".into(),
                }];
                messages::digest(
                    "digest".into(),
                    &to,
                    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                    &lines,
                    "https://ptce.example/",
                    "https://ptce.example/unsubscribe?token=t".into(),
                )
            } else {
                let key: &'static str = Box::leak(key.clone().into_boxed_str());
                let mut notice = Notice::new(key, "https://ptce.example/page".into());
                for name in &names {
                    let name: &'static str = Box::leak(name.clone().into_boxed_str());
                    notice = notice.with(name, sample(name));
                }
                notice.render(
                    "key".into(),
                    &to,
                    Some("https://ptce.example/unsubscribe?token=t".into()),
                )
            };
            rendered.push_str(&format!(
                "==== {key} ({}) ====\nSubject: {}\n\n{}\n---- html ----\n{}\n\n",
                locale.as_str(),
                email.subject,
                email.text_body,
                email.html_body
            ));
            assert!(
                !email.subject.contains(&key),
                "{key} has no subject in {locale:?}"
            );
        }
    }
    insta::assert_snapshot!("emails", rendered);
}
