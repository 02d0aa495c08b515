use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, TestApp};

#[tokio::test]
async fn registering_returns_the_account_and_a_working_token() {
    let app = TestApp::spawn().await;
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "Claire.Martin@Example.fr", "password": "correct horse battery", "display_name": "Claire Martin"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["account"]["email"], "claire.martin@example.fr");
    assert_eq!(body["account"]["role"], "member");
    assert_eq!(body["account"]["locale"], "fr");
    assert_eq!(
        body["account"]["notifications"],
        json!({"matches": "instant", "exchanges": "instant", "memberships": "instant", "listings": "instant", "alerts": "instant", "messages": "instant", "visits": "instant"})
    );
    assert_eq!(body["account"]["email_verified"], false);
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 64, "a 256-bit token in hex");

    let me: Value = app
        .get("/api/v1/me", Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["display_name"], "Claire Martin");
}

#[tokio::test]
async fn tokens_and_passwords_are_stored_only_as_hashes() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register("hash@example.fr").await;
    let (password_hash, token_hashes) = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            use ptce_exchange::schema::{accounts, api_tokens};
            let hash: String = accounts::table
                .select(accounts::password_hash)
                .first(conn)
                .unwrap();
            let tokens: Vec<Vec<u8>> = api_tokens::table
                .select(api_tokens::token_hash)
                .load(conn)
                .unwrap();
            (hash, tokens)
        })
        .await;
    assert!(password_hash.starts_with("$argon2id$"), "{password_hash}");
    assert_eq!(token_hashes.len(), 1);
    assert_ne!(token_hashes[0], token.as_bytes());
    assert_eq!(token_hashes[0].len(), 32);
}

#[tokio::test]
async fn registration_sends_a_welcome_email_through_smtp() {
    let app = TestApp::spawn().await;
    app.register("welcome@example.fr").await;
    let mails = app.wait_for_emails(1).await;
    assert_eq!(mails.len(), 1, "one welcome email");
    let mail = &mails[0];
    assert_eq!(mail.to, vec!["welcome@example.fr".to_string()]);
    assert_eq!(mail.from, "no-reply@ptce-exchange.localhost");
    assert!(
        mail.header("Subject").unwrap().contains("Bienvenue") || mail.data.contains("Bienvenue")
    );
    assert!(mail.header("Message-ID").unwrap().starts_with("<outbox-"));
    assert!(mail.data.contains("multipart/alternative"));
    // Sent once: the outbox row is marked sent and the worker does not send it again.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.smtp.received().len(), 1);
}

#[tokio::test]
async fn registering_twice_with_the_same_email_in_another_case_is_a_conflict() {
    let app = TestApp::spawn().await;
    app.register("dup@example.fr").await;
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "DUP@example.fr", "password": "correct horse battery", "display_name": "Other"}),
        )
        .await;
    assert_problem(response, 409).await;
}

#[tokio::test]
async fn invalid_registration_names_every_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "not-an-email", "password": "short", "display_name": ""}),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["display_name", "email", "password"]);
    let count: i64 = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            ptce_exchange::schema::accounts::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(count, 0);
}

#[tokio::test]
async fn login_answers_the_same_for_an_unknown_account_and_a_wrong_password() {
    let app = TestApp::spawn().await;
    app.register("known@example.fr").await;
    let wrong = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "known@example.fr", "password": "wrong password!"}),
        )
        .await;
    let wrong = assert_problem(wrong, 401).await;
    let unknown = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@example.fr", "password": "wrong password!"}),
        )
        .await;
    let unknown = assert_problem(unknown, 401).await;
    assert_eq!(wrong, unknown);

    let ok = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "KNOWN@example.fr", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["account"]["email"], "known@example.fr");
    assert!(body["token"].is_string());
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register("logout@example.fr").await;
    let response = app
        .request(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(response.status(), 204);
    assert_problem(app.get("/api/v1/me", Some(&token)).await, 401).await;
}

#[tokio::test]
async fn me_requires_a_valid_token() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/me", None).await;
    assert_eq!(
        response.headers().get("www-authenticate").unwrap(),
        "Bearer"
    );
    assert_problem(response, 401).await;
    assert_problem(app.get("/api/v1/me", Some("not-a-token")).await, 401).await;
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("Authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_problem(response, 401).await;
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let app = TestApp::spawn_with(|s| s.app.token_ttl_days = -1).await;
    let (token, _) = app.register("expired@example.fr").await;
    assert_problem(app.get("/api/v1/me", Some(&token)).await, 401).await;
}

#[tokio::test]
async fn patching_me_changes_preferences_and_validates_them() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register("prefs@example.fr").await;
    let response = app
        .patch(
            "/api/v1/me",
            Some(&token),
            &json!({"locale": "en", "notifications": "daily", "display_name": "Claire"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["locale"], "en");
    assert_eq!(body["notifications"]["matches"], "daily");
    assert_eq!(body["notifications"]["alerts"], "daily");
    assert_eq!(body["display_name"], "Claire");

    // One family at a time; the others keep their choice.
    let body: Value = app
        .patch(
            "/api/v1/me",
            Some(&token),
            &json!({"notifications": {"exchanges": "instant", "listings": "off"}}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["notifications"],
        json!({"matches": "daily", "exchanges": "instant", "memberships": "daily", "listings": "off", "alerts": "daily", "messages": "daily", "visits": "daily"})
    );
    let problem = assert_problem(
        app.patch(
            "/api/v1/me",
            Some(&token),
            &json!({"notifications": {"weather": "instant"}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["notifications"]);

    let problem = assert_problem(
        app.patch(
            "/api/v1/me",
            Some(&token),
            &json!({"notifications": "hourly"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["notifications"]);

    let problem = assert_problem(
        app.patch(
            "/api/v1/me",
            Some(&token),
            &json!({"password": "a brand new password", "current_password": "wrong"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["current_password"]);

    assert_problem(
        app.patch("/api/v1/me", None, &json!({"locale": "en"}))
            .await,
        401,
    )
    .await;

    let response = app
        .patch(
            "/api/v1/me",
            Some(&token),
            &json!({"password": "a brand new password", "current_password": "correct horse battery"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "prefs@example.fr", "password": "a brand new password"}),
        )
        .await;
    assert_eq!(login.status(), 200);
}

fn reset_token(mail: &crate::smtp::ReceivedMail) -> String {
    // Quoted-printable may fold the link; undo soft line breaks first.
    let data = mail.data.replace("=\n", "").replace("=3D", "=");
    let start =
        data.find("reset-password?token=").expect("a reset link") + "reset-password?token=".len();
    data[start..start + 64].to_string()
}

#[tokio::test]
async fn a_password_is_reset_through_a_single_use_emailed_link() {
    let app = TestApp::spawn().await;
    let (old_token, _) = app.register("forgetful@example.fr").await;
    let unknown = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": "nobody@example.fr"}),
        )
        .await;
    let known = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": "Forgetful@example.fr"}),
        )
        .await;
    assert_eq!(unknown.status(), 202);
    assert_eq!(known.status(), 202);
    assert_eq!(
        unknown.text().await.unwrap(),
        known.text().await.unwrap(),
        "the same answer either way"
    );
    let mails = app.wait_for_emails(2).await;
    let reset = mails
        .iter()
        .find(|m| m.data.contains("reset-password"))
        .expect("a reset email");
    assert_eq!(reset.to, vec!["forgetful@example.fr".to_string()]);
    let token = reset_token(reset);

    let weak = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": "short"}),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(weak, 422).await),
        vec!["password"]
    );
    let done = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": "a fresh new password"}),
        )
        .await;
    assert_eq!(done.status(), 204);
    // Single use, and every session of the account is signed out.
    let again = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": "another new password"}),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(again, 422).await),
        vec!["token"]
    );
    assert_problem(app.get("/api/v1/me", Some(&old_token)).await, 401).await;
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "forgetful@example.fr", "password": "a fresh new password"}),
        )
        .await;
    assert_eq!(login.status(), 200);
    let bad = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": "not an email"}),
        )
        .await;
    assert_problem(bad, 422).await;
}

use crate::smtp::SmtpOptions;

fn without_smtputf8() -> SmtpOptions {
    SmtpOptions {
        smtputf8: false,
        reject_recipients_containing: None,
    }
}

#[tokio::test]
async fn an_international_domain_is_stored_and_mailed_in_ascii() {
    // A server that does not announce SMTPUTF8, as most do not.
    let app = TestApp::spawn_with_smtp(without_smtputf8()).await;
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "Camille@Exémple.fr", "password": "correct horse battery", "display_name": "Camille"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["account"]["email"], "camille@xn--exmple-cva.fr");
    // The welcome email leaves at once instead of waiting for ever.
    let mails = app.wait_for_emails(1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec!["camille@xn--exmple-cva.fr".to_string()]);
    // Signing in works with either spelling of the domain.
    for typed in ["camille@exémple.fr", "CAMILLE@xn--exmple-cva.fr"] {
        let login = app
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": typed, "password": "correct horse battery"}),
            )
            .await;
        assert_eq!(login.status(), 200, "{typed}");
    }
}

#[tokio::test]
async fn a_non_ascii_local_part_is_refused_unless_the_mail_server_announces_smtputf8() {
    let body = json!({"email": "josé@exemple.fr", "password": "correct horse battery", "display_name": "José"});
    let plain = TestApp::spawn_with_smtp(without_smtputf8()).await;
    let problem = assert_problem(plain.post("/api/v1/auth/register", None, &body).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "email");
    assert_eq!(problem["errors"][0]["code"], "email_not_ascii");
    // Nothing was written.
    let accounts: i64 = plain
        .with_conn(|conn| {
            use diesel::prelude::*;
            ptce_exchange::schema::accounts::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(accounts, 0);

    let utf8 = TestApp::spawn().await;
    let response = utf8.post("/api/v1/auth/register", None, &body).await;
    assert_eq!(response.status(), 201);
    let mails = utf8.wait_for_emails(1).await;
    assert_eq!(mails[0].to, vec!["josé@exemple.fr".to_string()]);
}

#[tokio::test]
async fn an_email_the_server_refuses_for_good_is_parked_at_once_with_its_reason() {
    let app = TestApp::spawn_with_smtp(SmtpOptions {
        smtputf8: true,
        reject_recipients_containing: Some("nobody@".into()),
    })
    .await;
    let admin = app.admin_token().await;
    app.register("nobody@example.fr").await;
    let mut dead = Value::Null;
    for _ in 0..100 {
        dead = app
            .get("/api/v1/admin/outbox/dead", Some(&admin))
            .await
            .json()
            .await
            .unwrap();
        if !dead["items"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let item = &dead["items"][0];
    assert_eq!(item["recipient"], "nobody@example.fr");
    assert_eq!(item["attempts"], 1, "parked after one try: {item}");
    assert!(
        item["last_error"].as_str().unwrap().contains("550"),
        "{item}"
    );
}
