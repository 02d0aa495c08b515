//! A forged or missing CSRF token is refused with a clear 403 page and changes nothing; a
//! refused form shows each error next to its field and keeps what was typed.

use diesel::prelude::*;
use ptce_exchange::schema::listings;

use crate::driver::Browser;
use crate::helpers::{Market, TestApp};

async fn listing_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| listings::table.count().get_result::<i64>(conn).unwrap())
        .await
}

async fn fill_offer(b: &Browser, title: &str) {
    b.goto("/listings/new?category=local_resource").await;
    b.fill("#title", title).await;
    b.fill("#naf", "16.10A").await;
    b.fill("#commune", "26281").await;
    b.fill("#quantity", "10").await;
    b.select("#unit", "kg").await;
    b.select("#resource_type", "materials").await;
    b.select("#material", "wood").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    Market::open(&app, 1).await;
    let before = listing_count(&app).await;

    // Signed out: the login form without its token.
    let response = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "member0@example.fr"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no session was opened"
    );
    let body = response.text().await.unwrap();
    assert!(body.contains("Formulaire refusé"), "a clear page: {body}");

    // Signed in, in the browser: the token of the form is altered before sending it.
    let b = Browser::start(&app.address).await;
    b.sign_in("member0@example.fr", "correct horse battery")
        .await;
    fill_offer(&b, "Offre envoyée avec un jeton falsifié").await;
    b.client
        .execute(
            "document.querySelector(\"form[action='/listings/new'] input[name=csrf]\").value = 'forged'",
            vec![],
        )
        .await
        .unwrap();
    b.click("form[action='/listings/new'] button[type=submit]")
        .await;
    let text = b.wait_for_text("Formulaire refusé").await;
    assert!(text.contains("rien n'a été modifié"), "{text}");
    assert_eq!(listing_count(&app).await, before, "nothing was created");

    // The same session, outside the browser: no token, then another session's token.
    let session = b
        .client
        .get_named_cookie("ptce_session")
        .await
        .expect("a session cookie")
        .value()
        .to_string();
    for token in [None, Some("0".repeat(64))] {
        let mut form = vec![
            ("enterprise_id".to_string(), "1".to_string()),
            ("kind".into(), "offer".into()),
            ("category".into(), "local_resource".into()),
            ("title".into(), "Offre envoyée par un autre site".into()),
            ("naf".into(), "16.10A".into()),
            ("commune".into(), "26281".into()),
            ("radius_km".into(), "50".into()),
            ("resource_type".into(), "materials".into()),
            ("material".into(), "wood".into()),
            ("publish".into(), "on".into()),
        ];
        if let Some(token) = token {
            form.push(("csrf".into(), token));
        }
        let response = app
            .client
            .post(app.url("/listings/new"))
            .header("cookie", format!("ptce_session={session}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
    }
    assert_eq!(listing_count(&app).await, before, "nothing was created");

    // With the page's own token, the same form goes through.
    fill_offer(&b, "Offre envoyée normalement").await;
    b.click("form[action='/listings/new'] button[type=submit]")
        .await;
    b.wait_for_text("Offre envoyée normalement").await;
    assert_eq!(listing_count(&app).await, before + 1);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_shows_errors_next_to_the_fields_and_keeps_the_input() {
    let app = TestApp::spawn().await;
    Market::open(&app, 1).await;
    let b = Browser::start(&app.address).await;

    b.goto("/register").await;
    b.fill("#display_name", "Claire Martin").await;
    b.fill("#email", "pas-une-adresse").await;
    b.fill("#password", "court").await;
    b.click("form[action='/register'] button[type=submit]")
        .await;
    b.wait_for_text("Certains champs sont à corriger").await;
    let email = b.find("#email").await;
    assert_eq!(
        email.prop("value").await.unwrap().as_deref(),
        Some("pas-une-adresse")
    );
    assert_eq!(
        email.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert!(!b
        .find("#email-error")
        .await
        .text()
        .await
        .unwrap()
        .is_empty());
    assert!(!b
        .find("#password-error")
        .await
        .text()
        .await
        .unwrap()
        .is_empty());
    let name = b.find("#display_name").await;
    assert_eq!(
        name.prop("value").await.unwrap().as_deref(),
        Some("Claire Martin")
    );
    assert!(
        b.client.get_named_cookie("ptce_session").await.is_err(),
        "not signed in"
    );
    b.screenshots("register-errors").await;

    // A listing whose title is too short and whose price is not a number.
    b.sign_in("member0@example.fr", "correct horse battery")
        .await;
    let before = listing_count(&app).await;
    fill_offer(&b, "Bois").await;
    b.fill("#unit_price", "douze").await;
    b.click("form[action='/listings/new'] button[type=submit]")
        .await;
    b.wait_for_text("Certains champs sont à corriger").await;
    b.find("#unit_price-error").await;
    assert_eq!(
        b.find("#unit_price")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("douze")
    );
    assert_eq!(
        b.find("#naf").await.prop("value").await.unwrap().as_deref(),
        Some("16.10A")
    );
    // Fixing the price, the title's own error shows next to it.
    b.fill("#unit_price", "12,50").await;
    b.click("form[action='/listings/new'] button[type=submit]")
        .await;
    b.wait_for_text("Le titre doit compter de 5 à 120 caractères")
        .await;
    b.find("#title-error").await;
    assert_eq!(
        b.find("#title")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Bois")
    );
    assert_eq!(listing_count(&app).await, before, "nothing was created");
    b.close().await;
}
