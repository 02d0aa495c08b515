//! Pages read without the browser: every main page, with its stylesheet and script, weighs
//! under 200 kB, carries a CSRF token in every POST form, a label for every field, its
//! language, a skip link and one h1; who may open what; the proposal form of a need.

use reqwest::redirect::Policy;
use serde_json::{json, Value};

use crate::helpers::{listing_body, Market, TestApp};

const BUDGET: usize = 200 * 1000;

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// The opening tags named `name` in `html`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(index) = rest.find(&open) {
        let tail = &rest[index..];
        let end = tail.find('>').unwrap_or(tail.len());
        let tag = &tail[..end];
        if tag[open.len()..].starts_with([' ', '>']) || tag.len() == open.len() {
            out.push(tag);
        }
        rest = &tail[end..];
    }
    out
}

fn check_page(path: &str, html: &str) {
    assert!(
        html.contains("<html lang=\"fr\">"),
        "{path}: lang attribute"
    );
    assert!(
        html.contains("class=\"skip\" href=\"#main\""),
        "{path}: skip link"
    );
    assert_eq!(html.matches("<h1").count(), 1, "{path}: one h1");
    // Every POST form has its token.
    for (index, form) in html.split("<form").skip(1).enumerate() {
        let form = &form[..form.find("</form>").unwrap_or(form.len())];
        let head = &form[..form.find('>').unwrap_or(0)];
        if head.contains("method=\"post\"") {
            let token = form
                .find("name=\"csrf\" value=\"")
                .map(|i| &form[i + 19..i + 19 + 64]);
            assert!(
                token.is_some_and(|t| t.chars().all(|c| c.is_ascii_hexdigit())),
                "{path}: POST form #{index} has no CSRF token: <form{head}>"
            );
        }
    }
    // Every field a person fills in has a label.
    for name in ["input", "select", "textarea"] {
        for tag in tags(html, name) {
            let kind = attr(tag, "type").unwrap_or("text");
            if ["hidden", "submit", "checkbox", "radio"].contains(&kind) {
                continue;
            }
            let id = attr(tag, "id").unwrap_or_else(|| panic!("{path}: a field without id: {tag}"));
            assert!(
                html.contains(&format!("for=\"{id}\"")),
                "{path}: no label for #{id}"
            );
        }
    }
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .default_headers(
            [(
                reqwest::header::ACCEPT_LANGUAGE,
                "fr-FR,fr;q=0.9".parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let i = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    let token = page[i..i + 64].to_string();
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", email),
            ("password", password),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "signing in {email}");
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_main_page_is_light_labelled_and_protected() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (offer_token, offer_enterprise) = &market.members[0];
    let (need_token, need_enterprise) = &market.members[1];
    let offer = app
        .create_listing(
            offer_token,
            &listing_body(
                *offer_enterprise,
                "offer",
                json!({"quantity": "1000", "unit": "kg", "unit_price": "0.40"}),
            ),
        )
        .await;
    let need = app
        .create_listing(
            need_token,
            &listing_body(
                *need_enterprise,
                "need",
                json!({"quantity": "500", "unit": "kg", "unit_price": "0.50"}),
            ),
        )
        .await;
    let match_id = need["matches"][0]["id"].as_i64().expect("a match");
    for token in [offer_token, need_token] {
        let response = app
            .post(
                &format!("/api/v1/matches/{match_id}/accept"),
                Some(token),
                &json!({}),
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    let exchanges = api_value(&app, "/api/v1/exchanges", &market.coordinator).await;
    let exchange = exchanges["items"][0]["id"].as_i64().expect("an exchange");
    app.post(
        &format!("/api/v1/exchanges/{exchange}/transition"),
        Some(&market.coordinator),
        &json!({"to": "in_progress"}),
    )
    .await;
    let response = app
        .post(
            &format!("/api/v1/exchanges/{exchange}/transactions"),
            Some(&market.coordinator),
            &json!({"amount": "200.00", "vat_rate": "20"}),
        )
        .await;
    assert_eq!(response.status(), 201);

    // The need above is covered by its exchange, so it closed: another one stays open.
    let need = app
        .create_listing(
            need_token,
            &listing_body(
                *need_enterprise,
                "need",
                json!({"title": "Encore du bois de chêne", "quantity": "800", "unit": "kg", "unit_price": "0.50"}),
            ),
        )
        .await;
    let member = sign_in(&app, "member0@example.fr", "correct horse battery").await;
    let coordinator = sign_in(&app, "coordination@pole-a.fr", "correct horse battery").await;
    app.admin_token().await;
    let admin = sign_in(&app, "admin@test.fr", "admin password 1").await;
    let plain = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let offer_id = offer["id"].as_i64().unwrap();
    let pages: Vec<(&reqwest::Client, String)> = vec![
        (&plain, "/".into()),
        (
            &plain,
            "/?q=ch%C3%AAne&kind=offer&place=26281&radius_km=80".into(),
        ),
        (&plain, "/login".into()),
        (&plain, "/register".into()),
        (&plain, "/forgot-password".into()),
        (&plain, "/reset-password?token=abc".into()),
        (&plain, "/poles".into()),
        (&plain, "/poles/pole-a".into()),
        (&plain, format!("/listings/{offer_id}")),
        (&member, format!("/listings/{offer_id}")),
        (&member, format!("/listings/{}", need["id"])),
        (&member, "/listings/new?category=business_takeover".into()),
        (&member, format!("/listings/{offer_id}/edit")),
        (&member, "/dashboard".into()),
        (&member, "/notifications".into()),
        (&member, "/enterprises/new".into()),
        (&member, format!("/exchanges/{exchange}")),
        (&coordinator, "/coordinator".into()),
        (&coordinator, "/coordinator/exchanges/new".into()),
        (&admin, "/admin".into()),
    ];
    let css = plain.get(app.url("/static/app.css")).send().await.unwrap();
    assert!(css.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let etag = css.headers()["etag"].to_str().unwrap().to_string();
    let css = css.bytes().await.unwrap().len();
    let again = plain
        .get(app.url("/static/app.css"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304, "revalidated with its ETag");
    let js = plain
        .get(app.url("/static/app.js"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    let mut report = Vec::new();
    for (client, path) in pages {
        let response = client
            .get(app.url(&path))
            .header("accept-language", "fr-FR")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        let html = response.text().await.unwrap();
        let total = html.len() + css + js;
        assert!(total < BUDGET, "{path}: {total} bytes with its assets");
        check_page(&path, &html);
        if path == format!("/listings/{}", need["id"]) {
            assert!(
                html.contains(&format!("action=\"/listings/{}/proposals\"", need["id"])),
                "another member may answer a need with a proposal"
            );
        }
        report.push(format!(
            "{path}: {} + {css} + {js} = {total} bytes",
            html.len()
        ));
    }
    println!("{}", report.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_that_need_a_session_send_visitors_to_the_login_form() {
    let app = TestApp::spawn().await;
    for path in [
        "/dashboard",
        "/notifications",
        "/coordinator",
        "/admin",
        "/listings/new",
        "/exchanges/1",
    ] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 303, "{path}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert!(location.starts_with("/login?next="), "{path} → {location}");
    }
    let member = {
        Market::open(&app, 1).await;
        sign_in(&app, "member0@example.fr", "correct horse battery").await
    };
    for path in ["/coordinator", "/admin"] {
        let response = member.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 403, "{path}");
        assert!(response.text().await.unwrap().contains("Accès refusé"));
    }
    let response = member
        .get(app.url("/exchanges/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_or_signed_out_session_cookie_opens_nothing() {
    let app = TestApp::spawn().await;
    Market::open(&app, 1).await;
    let member = sign_in(&app, "member0@example.fr", "correct horse battery").await;
    assert_eq!(
        member
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // The token of the cookie with another signature, then an unsigned token.
    let page = member
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let i = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = page[i..i + 64].to_string();
    for cookie in ["ptce_session=abc.0000", "ptce_session=abc"] {
        let response = app
            .client
            .get(app.url("/dashboard"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{cookie}");
    }
    // Signing out revokes the token: the old cookie no longer opens the dashboard.
    let response = member
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        member
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
}

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[i..i + 64].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_answers_a_need_with_a_proposal_form_and_its_owner_sees_it() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (owner_token, owner_enterprise) = &market.members[0];
    let need = app
        .create_listing(
            owner_token,
            &listing_body(
                *owner_enterprise,
                "need",
                json!({"quantity": "500", "unit": "kg"}),
            ),
        )
        .await;
    let need_id = need["id"].as_i64().unwrap();
    let page_path = format!("/listings/{need_id}");
    let proposer = sign_in(&app, "member1@example.fr", "correct horse battery").await;
    let html = proposer
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let enterprise = market.members[1].1.to_string();
    let post = |message: &'static str| {
        proposer
            .post(app.url(&format!("/listings/{need_id}/proposals")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("enterprise_id", enterprise.as_str()),
                ("message", message),
                ("quantity", "100"),
                ("unit", "kg"),
                ("unit_price", "0,45"),
            ])
            .send()
    };
    // Without a message: refused, the error next to the field, the input kept.
    let refused = post("").await.unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"message-error\""), "{html}");
    assert!(html.contains("value=\"0,45\""), "the input is kept");
    let sent = post("Nous avons 100 kg de chêne sec.").await.unwrap();
    assert_eq!(sent.status(), 303);
    let html = proposer
        .get(app.url(&format!("{page_path}?proposed=1")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Votre proposition a été envoyée"));
    let owner = sign_in(&app, "member0@example.fr", "correct horse battery").await;
    let html = owner
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Nous avons 100 kg de chêne sec."), "{html}");
    assert!(html.contains("0,45\u{a0}€"), "the price, the French way");
    assert!(
        html.contains("action=\"/proposals/"),
        "the owner may answer it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_the_transaction_form_twice_records_one_transaction() {
    use diesel::prelude::*;
    use ptce_exchange::schema::transactions;

    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let response = app
        .post(
            "/api/v1/exchanges",
            Some(&market.coordinator),
            &json!({
                "provider_enterprise_id": market.members[0].1,
                "beneficiary_enterprise_id": market.members[1].1,
                "category": "local_resource", "title": "Palettes de chêne",
            }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let exchange = response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/exchanges/{exchange}/transition"),
        Some(&market.coordinator),
        &json!({"to": "in_progress"}),
    )
    .await;
    let member = sign_in(&app, "member0@example.fr", "correct horse battery").await;
    let path = format!("/exchanges/{exchange}");
    let html = member
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let i = html.find("name=\"key\" value=\"").expect("a one-time key") + 18;
    let key = html[i..i + 32].to_string();
    for _ in 0..2 {
        let response = member
            .post(app.url(&format!("{path}/transactions")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("key", key.as_str()),
                ("amount", "1 234,56"),
                ("vat_rate", "5.5"),
                ("description", "Livraison"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
    }
    let rows: Vec<rust_decimal::Decimal> = app
        .with_conn(move |conn| {
            transactions::table
                .filter(transactions::exchange_id.eq(exchange))
                .select(transactions::amount)
                .load(conn)
                .unwrap()
        })
        .await;
    assert_eq!(
        rows,
        vec![rust_decimal::Decimal::new(123456, 2)],
        "one, exact"
    );
    let html = member
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // 1 234,56 € + 5,5 % = 67,90 € of VAT (67,9008 rounded half up) = 1 302,46 €.
    assert!(html.contains("1\u{202f}302,46\u{a0}€"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_asks_from_its_dashboard_for_its_enterprise_to_join_another_pole() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-b", "69123", &["69"]).await;
    let member = sign_in(&app, "member0@example.fr", "correct horse battery").await;
    let html = member
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let id = market.members[0].1;
    let action = format!("action=\"/enterprises/{id}/join\"");
    assert!(html.contains(&action), "a form to join pôle b");
    let response = member
        .post(app.url(&format!("/enterprises/{id}/join")))
        .form(&[("csrf", csrf_of(&html).as_str()), ("pole", "pole-b")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let html = member
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("href=\"/poles/pole-b\""),
        "the new membership is listed"
    );
    assert!(html.contains("En attente"), "pending approval");
    assert!(!html.contains(&action), "no pôle left to join");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_sets_its_notifications_and_keeps_alerts_from_its_page() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let token = &market.members[0].0;
    let member = sign_in(&app, "member0@example.fr", "correct horse battery").await;
    let page = |client: &reqwest::Client| {
        let url = app.url("/notifications");
        let client = client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };

    // Preferences: matches by daily digest, alerts off; the API sees the same.
    let html = page(&member).await;
    let response = member
        .post(app.url("/notifications/preferences"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("matches", "daily"),
            ("exchanges", "instant"),
            ("memberships", "instant"),
            ("listings", "off"),
            ("alerts", "off"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let me = api_value(&app, "/api/v1/me", token).await;
    assert_eq!(me["notifications"]["matches"], "daily");
    assert_eq!(me["notifications"]["listings"], "off");
    assert_eq!(me["notifications"]["alerts"], "off");
    let html = page(&member).await;
    assert!(html.contains("name=\"matches\" value=\"daily\" checked"));

    // A radius without a commune: refused next to the field, the input kept, nothing saved.
    let response = member
        .post(app.url("/notifications/alerts"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("kind", "offer"),
            ("radius_km", "40"),
            ("keywords", "chêne"),
            ("frequency", "daily"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let refused = response.text().await.unwrap();
    assert!(
        refused.contains("indiquez-la"),
        "the error is shown in French"
    );
    assert!(refused.contains("value=\"chêne\""), "the keywords are kept");
    assert!(
        refused.contains("value=\"daily\" checked"),
        "the frequency is kept"
    );
    let alerts = api_value(&app, "/api/v1/alerts", token).await;
    assert_eq!(alerts["items"].as_array().unwrap().len(), 0);

    // The same alert around Die (26113): saved, listed, then deleted.
    let response = member
        .post(app.url("/notifications/alerts"))
        .form(&[
            ("csrf", csrf_of(&refused).as_str()),
            ("kind", "offer"),
            ("commune", "26113"),
            ("radius_km", "40"),
            ("keywords", "chêne"),
            ("frequency", "daily"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let alerts = api_value(&app, "/api/v1/alerts", token).await;
    let id = alerts["items"][0]["id"]
        .as_i64()
        .expect("the alert is saved");
    assert_eq!(alerts["items"][0]["frequency"], "daily");
    let html = page(&member).await;
    assert!(html.contains("à moins de 40\u{a0}km de Die"), "{html}");
    let dashboard = member
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("href=\"/notifications\""));
    let response = member
        .post(app.url(&format!("/notifications/alerts/{id}/delete")))
        .form(&[("csrf", csrf_of(&html).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let alerts = api_value(&app, "/api/v1/alerts", token).await;
    assert_eq!(alerts["items"].as_array().unwrap().len(), 0);
}

async fn text_of(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_records_an_exchange_and_a_member_its_impact_from_the_pages() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (member_token, provider) = &market.members[0];
    let beneficiary = market.members[1].1;
    let coordinator = sign_in(&app, "coordination@pole-a.fr", "correct horse battery").await;
    let member = sign_in(&app, "member0@example.fr", "correct horse battery").await;

    // Only coordinators and admins may open the form.
    let response = member
        .get(app.url("/coordinator/exchanges/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    let html = text_of(&coordinator, app.url("/coordinator/exchanges/new")).await;
    assert!(html.contains(&format!("<option value=\"{beneficiary}\"")));
    let post = |from: String, to: String, title: &'static str, key: &'static str, csrf: String| {
        coordinator
            .post(app.url("/coordinator/exchanges"))
            .form(&[
                ("csrf", csrf),
                ("key", key.to_string()),
                ("provider", from),
                ("beneficiary", to),
                ("category", "know_how".to_string()),
                ("title", title.to_string()),
                ("quantity", "3".to_string()),
                ("unit", "day".to_string()),
                ("unit_price", "350,00".to_string()),
            ])
            .send()
    };
    // An enterprise with itself: refused next to the field, the input kept, nothing created.
    let refused = post(
        provider.to_string(),
        provider.to_string(),
        "Trois jours de formation à la menuiserie",
        "k1",
        csrf_of(&html),
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains("ne peut pas échanger avec elle-même"),
        "{refused}"
    );
    assert!(refused.contains("value=\"Trois jours de formation à la menuiserie\""));
    let none = api_value(&app, "/api/v1/exchanges", &market.coordinator).await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);

    // Sent twice with the form's key: one exchange, and its page.
    let mut created = Vec::new();
    for _ in 0..2 {
        let response = post(
            provider.to_string(),
            beneficiary.to_string(),
            "Trois jours de formation à la menuiserie",
            "k2",
            csrf_of(&refused),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), 303);
        created.push(response.headers()["location"].to_str().unwrap().to_string());
    }
    assert_eq!(created[0], created[1]);
    let exchanges = api_value(&app, "/api/v1/exchanges", &market.coordinator).await;
    assert_eq!(exchanges["items"].as_array().unwrap().len(), 1);
    let id = exchanges["items"][0]["id"].as_i64().unwrap();
    assert_eq!(created[0], format!("/exchanges/{id}"));
    assert_eq!(exchanges["items"][0]["total_amount"], "1050.00");
    // Back, changed and sent again with the same key: said plainly, with a fresh key.
    let again = post(
        provider.to_string(),
        beneficiary.to_string(),
        "Quatre jours de formation à la menuiserie",
        "k2",
        csrf_of(&refused),
    )
    .await
    .unwrap();
    assert_eq!(again.status(), 422);
    let again = again.text().await.unwrap();
    assert!(again.contains("déjà été envoyé"), "{again}");
    assert!(again.contains("name=\"key\" value=\""));
    assert!(!again.contains("name=\"key\" value=\"k2\""), "a fresh key");

    // The provider's member fills in the impact: a bad figure is refused, then it is saved.
    let html = text_of(&member, app.url(&format!("/exchanges/{id}"))).await;
    assert!(html.contains(&format!("action=\"/exchanges/{id}/impact\"")));
    let impact = |jobs_kept: &'static str, tonnes: &'static str, csrf: String| {
        member
            .post(app.url(&format!("/exchanges/{id}/impact")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("jobs_created", "1"),
                ("jobs_kept", jobs_kept),
                ("tonnes_diverted", tonnes),
                ("km_avoided", "240"),
                ("note", "Un apprenti formé."),
            ])
            .send()
    };
    let refused = impact("-1", "1,2345", csrf_of(&html)).await.unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("id=\"jobs_kept-error\""), "{refused}");
    assert!(refused.contains("id=\"tonnes_diverted-error\""));
    assert!(refused.contains("value=\"1,2345\""), "the input is kept");
    let unchanged = api_value(&app, &format!("/api/v1/exchanges/{id}"), member_token).await;
    assert_eq!(unchanged["impact"]["jobs_created"], Value::Null);

    let saved = impact("3", "1,5", csrf_of(&refused)).await.unwrap();
    assert_eq!(saved.status(), 303);
    let view = api_value(&app, &format!("/api/v1/exchanges/{id}"), member_token).await;
    assert_eq!(view["impact"]["jobs_kept"], 3);
    assert_eq!(view["impact"]["tonnes_diverted"], "1.5");
    assert_eq!(view["impact"]["km_avoided"], "240");
    assert_eq!(view["impact"]["note"], "Un apprenti formé.");
    let html = text_of(&member, app.url(&format!("/exchanges/{id}"))).await;
    assert!(html.contains("Déchets évités (t)"));
    assert!(
        html.contains("value=\"1,5\""),
        "the form shows what is saved, the French way"
    );
    check_page(&format!("/exchanges/{id}"), &html);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_corrects_its_enterprise_from_its_dashboard_and_others_may_not() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (token, id) = &market.members[0];
    let member = sign_in(&app, "member0@example.fr", "correct horse battery").await;
    let dashboard = text_of(&member, app.url("/dashboard")).await;
    assert!(dashboard.contains(&format!("href=\"/enterprises/{id}/edit\"")));
    let html = text_of(&member, app.url(&format!("/enterprises/{id}/edit"))).await;
    check_page(&format!("/enterprises/{id}/edit"), &html);
    assert!(html.contains("readonly"), "the SIRET stays");

    let post = |name: &'static str, headcount: &'static str, csrf: String| {
        member
            .post(app.url(&format!("/enterprises/{id}/edit")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("siret", "ignored"),
                ("name", name),
                ("legal_form", "scic"),
                ("naf", "16.10A"),
                ("commune", "26362"),
                ("headcount", headcount),
            ])
            .send()
    };
    // A bad headcount: refused next to the field, the name kept, nothing changed.
    let refused = post("Scierie du Vercors", "beaucoup", csrf_of(&html))
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("id=\"headcount-error\""), "{refused}");
    assert!(refused.contains("value=\"Scierie du Vercors\""));
    let before = api_value(&app, &format!("/api/v1/enterprises/{id}"), token).await;
    assert_ne!(before["name"], "Scierie du Vercors");

    let saved = post("Scierie du Vercors", "12", csrf_of(&refused))
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let after = api_value(&app, &format!("/api/v1/enterprises/{id}"), token).await;
    assert_eq!(after["name"], "Scierie du Vercors");
    assert_eq!(after["legal_form"], "scic");
    assert_eq!(after["headcount"], 12);
    assert_eq!(after["commune"], "26362");
    assert_eq!(after["siret"], before["siret"]);

    // Another member may neither open nor send the form.
    let other = sign_in(&app, "member1@example.fr", "correct horse battery").await;
    let response = other
        .get(app.url(&format!("/enterprises/{id}/edit")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let html = text_of(&other, app.url("/dashboard")).await;
    let response = other
        .post(app.url(&format!("/enterprises/{id}/edit")))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("name", "Prise de contrôle"),
            ("legal_form", "scop"),
            ("naf", "16.10A"),
            ("commune", "26362"),
            ("headcount", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let unchanged = api_value(&app, &format!("/api/v1/enterprises/{id}"), token).await;
    assert_eq!(unchanged["name"], "Scierie du Vercors");
}

/// An API answer's JSON body, as `token` sees it.
async fn api_value(app: &TestApp, path: &str, token: &str) -> Value {
    app.get(path, Some(token)).await.json().await.unwrap()
}
