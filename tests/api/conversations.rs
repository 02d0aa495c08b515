//! Talking before agreeing: conversations on matches, proposals, contact requests and
//! exchanges; files with their type read from the content and photos without metadata;
//! who may read what; one email for several messages; answering an offer; the follow-up
//! of an exchange left agreed.

use std::io::Cursor;

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, listing_body, Market, TestApp};
use crate::smtp::ReceivedMail;

/// A JPEG carrying an EXIF segment with a GPS position and a camera name.
fn jpeg_with_exif() -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    let plain = out.into_inner();
    // SOI, then an APP1 "Exif" segment, then the rest of the JPEG.
    let exif_payload = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude=45.0432;CameraModel=PhoneX";
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    jpeg.extend_from_slice(&((exif_payload.len() + 2) as u16).to_be_bytes());
    jpeg.extend_from_slice(exif_payload);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

/// Two members whose offer and need match: (market, offer, need, match id).
async fn matched(app: &TestApp) -> (Market, Value, Value, i64) {
    let market = Market::open(app, 3).await;
    let (supplier, supplier_id) = &market.members[0];
    let (buyer, buyer_id) = &market.members[1];
    let offer = app
        .create_listing(
            supplier,
            &listing_body(
                *supplier_id,
                "offer",
                json!({"quantity": "1000", "unit": "kg", "unit_price": "0.10"}),
            ),
        )
        .await;
    let need = app
        .create_listing(
            buyer,
            &listing_body(
                *buyer_id,
                "need",
                json!({"title": "Besoin de chutes de chêne", "quantity": "500", "unit": "kg", "unit_price": "0.20"}),
            ),
        )
        .await;
    let found = &need["matches"][0];
    let id = found["id"].as_i64().expect("a match");
    assert_eq!(found["conversation_id"], format!("match-{id}"));
    (market, offer, need, id)
}

async fn post_multipart(app: &TestApp, path: &str, token: &str, form: Form) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Waits (15 s at most) until `count` emails to `to` containing `needle` have come since
/// the `before`-th, and returns them.
async fn wait_for_mails(
    app: &TestApp,
    before: usize,
    to: &str,
    needle: &str,
    count: usize,
) -> Vec<ReceivedMail> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let all = app.smtp.received();
        let found: Vec<ReceivedMail> = mails_to(&all[before.min(all.len())..], to, needle)
            .into_iter()
            .cloned()
            .collect();
        if found.len() >= count || std::time::Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn mails_to<'a>(mails: &'a [ReceivedMail], to: &str, subject: &str) -> Vec<&'a ReceivedMail> {
    mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t == to))
        .filter(|m| m.decoded().contains(subject))
        .collect()
}

#[tokio::test]
async fn two_members_who_match_talk_with_a_photo_and_the_other_is_told_by_one_email() {
    let app = TestApp::spawn().await;
    let (market, _offer, _need, match_id) = matched(&app).await;
    let (supplier, _) = &market.members[0];
    let (buyer, _) = &market.members[1];
    let conversation = format!("/api/v1/conversations/match-{match_id}");

    // The buyer asks, then sends a photo with its question.
    let first = app
        .post(
            &format!("{conversation}/messages"),
            Some(buyer),
            &json!({"body": "Quel est le taux d'humidité ?"}),
        )
        .await;
    assert_eq!(first.status(), 201);
    let form = Form::new()
        .text("body", "Et voici notre atelier, pour la livraison.")
        .part(
            "file",
            Part::bytes(jpeg_with_exif()).file_name("atelier.jpg"),
        );
    let second = post_multipart(&app, &format!("{conversation}/messages"), buyer, form).await;
    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();
    let file = &second["attachments"][0];
    assert_eq!(file["content_type"], "image/jpeg");
    assert_eq!(file["filename"], "atelier.jpg");
    assert!(file["thumbnail_url"]
        .as_str()
        .unwrap()
        .ends_with("thumbnail=true"));

    // The supplier sees both, newest first, and two unread in its inbox.
    let messages: Value = app
        .get(&format!("{conversation}/messages"), Some(supplier))
        .await
        .json()
        .await
        .unwrap();
    let bodies: Vec<&str> = messages["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "Et voici notre atelier, pour la livraison.",
            "Quel est le taux d'humidité ?"
        ]
    );
    assert_eq!(messages["items"][0]["author"]["me"], false);
    let inbox: Value = app
        .get("/api/v1/conversations", Some(supplier))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["items"][0]["id"], format!("match-{match_id}"));
    assert_eq!(inbox["items"][0]["unread"], 2);

    // The photo comes back without its EXIF (GPS, camera), served as what it is.
    let url = file["url"].as_str().unwrap();
    let download = app.get(url, Some(supplier)).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(download.headers()["content-type"], "image/jpeg");
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("atelier.jpg"));
    let bytes = download.bytes().await.unwrap();
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF stripped");
    assert!(
        !bytes.windows(11).any(|w| w == b"GPSLatitude"),
        "GPS stripped"
    );
    assert!(image::load_from_memory(&bytes).is_ok());

    // One email to the supplier for both messages, once the batching delay has passed;
    // none to the buyer, who wrote them.
    let before = app.smtp.received().len();
    app.housekeeping_at(chrono::Utc::now() + chrono::Duration::minutes(6), 7)
        .await;
    let told = wait_for_mails(
        &app,
        before,
        "member0@example.fr",
        "/conversations/match-",
        1,
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mails = app.smtp.received();
    assert_eq!(
        mails_to(
            &mails[before..],
            "member0@example.fr",
            "/conversations/match-"
        )
        .len(),
        1,
        "one email for two messages"
    );
    assert!(told[0]
        .decoded()
        .contains(&format!("/conversations/match-{match_id}")));
    assert!(mails_to(
        &mails[before..],
        "member1@example.fr",
        "/conversations/match-"
    )
    .is_empty());
    // Nothing more on the next round.
    app.housekeeping_at(chrono::Utc::now() + chrono::Duration::minutes(12), 7)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.smtp.received().len(), mails.len());

    // Read: no unread left.
    let read = app
        .post(&format!("{conversation}/read"), Some(supplier), &json!({}))
        .await;
    assert_eq!(read.status(), 204);
    let shown: Value = app
        .get(&conversation, Some(supplier))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["unread"], 0);
    assert_eq!(shown["participants"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_stranger_never_reads_a_conversation_or_its_files() {
    let app = TestApp::spawn().await;
    let (market, _offer, _need, match_id) = matched(&app).await;
    let (buyer, _) = &market.members[1];
    let (stranger, _) = &market.members[2];
    let conversation = format!("/api/v1/conversations/match-{match_id}");
    let form = Form::new()
        .text("body", "Photo du lot")
        .part("file", Part::bytes(jpeg_with_exif()).file_name("lot.jpg"));
    let sent: Value = post_multipart(&app, &format!("{conversation}/messages"), buyer, form)
        .await
        .json()
        .await
        .unwrap();
    let file_url = sent["attachments"][0]["url"].as_str().unwrap().to_string();

    for path in [
        conversation.clone(),
        format!("{conversation}/messages"),
        file_url.clone(),
        format!("{file_url}?thumbnail=true"),
    ] {
        assert_problem(app.get(&path, Some(stranger)).await, 404).await;
    }
    assert_problem(
        app.post(
            &format!("{conversation}/messages"),
            Some(stranger),
            &json!({"body": "Bonjour"}),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.post(&format!("{conversation}/read"), Some(stranger), &json!({}))
            .await,
        404,
    )
    .await;
    // The coordinator of their pôle does not read a match's conversation either.
    assert_problem(app.get(&conversation, Some(&market.coordinator)).await, 404).await;
    // Signed out.
    assert_eq!(app.get(&conversation, None).await.status(), 401);
    assert_problem(app.get(&file_url, None).await, 404).await;
    // Ids that name nothing.
    for id in ["match-999999", "visit-1", "match-abc", "exchange-0"] {
        assert_problem(
            app.get(&format!("/api/v1/conversations/{id}"), Some(buyer))
                .await,
            404,
        )
        .await;
    }
    let inbox: Value = app
        .get("/api/v1/conversations", Some(stranger))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["items"], json!([]));
}

#[tokio::test]
async fn files_are_judged_by_their_content_and_their_size() {
    let app = TestApp::spawn().await;
    let (market, offer, _need, match_id) = matched(&app).await;
    let (supplier, _) = &market.members[0];
    let (buyer, _) = &market.members[1];
    let conversation = format!("/api/v1/conversations/match-{match_id}/messages");
    // A program renamed .pdf.
    let program = [
        0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]
    .to_vec();
    let form = Form::new()
        .text("body", "La facture")
        .part("file", Part::bytes(program).file_name("facture.pdf"));
    let refused = assert_problem(post_multipart(&app, &conversation, buyer, form).await, 422).await;
    assert_eq!(error_fields(&refused), ["file"]);
    assert_eq!(refused["errors"][0]["code"], "file_type");
    // Over 10 MB: 413, and nothing written.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(10 * 1024 * 1024 + 10, b' ');
    let form = Form::new()
        .text("body", "Le gros plan")
        .part("file", Part::bytes(big).file_name("plan.pdf"));
    assert_eq!(
        post_multipart(&app, &conversation, buyer, form)
            .await
            .status(),
        413
    );
    let messages: Value = app
        .get(&conversation, Some(buyer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        messages["items"],
        json!([]),
        "a refused message changes nothing"
    );
    // A message of 5,001 characters, an empty one.
    for body in ["".to_string(), "é".repeat(5001)] {
        let refused = assert_problem(
            app.post(&conversation, Some(buyer), &json!({ "body": body }))
                .await,
            422,
        )
        .await;
        assert_eq!(error_fields(&refused), ["body"]);
    }

    // A listing's photos: its managers add them, anyone who sees the listing gets them.
    let listing = offer["id"].as_i64().unwrap();
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n".to_vec();
    let form = Form::new()
        .part(
            "file",
            Part::bytes(jpeg_with_exif()).file_name("chutes.jpg"),
        )
        .part("file", Part::bytes(pdf).file_name("fiche.pdf"));
    let added = post_multipart(
        &app,
        &format!("/api/v1/listings/{listing}/attachments"),
        supplier,
        form,
    )
    .await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    assert_eq!(added[1]["content_type"], "application/pdf");
    let form = Form::new().part("file", Part::bytes(jpeg_with_exif()).file_name("x.jpg"));
    let refused = post_multipart(
        &app,
        &format!("/api/v1/listings/{listing}/attachments"),
        buyer,
        form,
    )
    .await;
    assert_problem(refused, 403).await;
    let listed: Value = app
        .get(&format!("/api/v1/listings/{listing}/attachments"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let pdf_url = added[1]["url"].as_str().unwrap();
    let download = app.get(pdf_url, None).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    // Ten at most per listing.
    let mut form = Form::new();
    for n in 0..9 {
        form = form.part(
            "file",
            Part::bytes(b"%PDF-1.7\n".to_vec()).file_name(format!("f{n}.pdf")),
        );
    }
    let refused = assert_problem(
        post_multipart(
            &app,
            &format!("/api/v1/listings/{listing}/attachments"),
            supplier,
            form,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "too_many_files");
}

#[tokio::test]
async fn an_enterprise_answers_an_offer_and_accepting_creates_the_exchange_within_what_is_left() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (supplier, supplier_id) = &market.members[0];
    let (buyer, buyer_id) = &market.members[1];
    let offer = app
        .create_listing(
            supplier,
            &listing_body(
                *supplier_id,
                "offer",
                json!({"quantity": "1000", "unit": "kg", "unit_price": "0.10"}),
            ),
        )
        .await;
    let offer_id = offer["id"].as_i64().unwrap();
    let asked = app
        .post(
            &format!("/api/v1/listings/{offer_id}/proposals"),
            Some(buyer),
            &json!({"enterprise_id": buyer_id, "message": "Nous prendrions tout le lot, et plus s'il y en a.", "quantity": "1.5", "unit": "t", "unit_price": "90"}),
        )
        .await;
    assert_eq!(asked.status(), 201);
    let asked: Value = asked.json().await.unwrap();
    assert_eq!(asked["listing_id"], offer_id);
    let proposal = asked["id"].as_i64().unwrap();
    assert_eq!(asked["conversation_id"], format!("proposal-{proposal}"));
    // Both sides talk about it before agreeing.
    let said = app
        .post(
            &format!("/api/v1/conversations/proposal-{proposal}/messages"),
            Some(supplier),
            &json!({"body": "Nous n'avons qu'une tonne."}),
        )
        .await;
    assert_eq!(said.status(), 201);
    // The buyer may not accept its own proposal.
    assert_problem(
        app.post(
            &format!("/api/v1/proposals/{proposal}/accept"),
            Some(buyer),
            &json!({}),
        )
        .await,
        403,
    )
    .await;
    let accepted: Value = app
        .post(
            &format!("/api/v1/proposals/{proposal}/accept"),
            Some(supplier),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let exchange_id = accepted["exchange_id"].as_i64().expect("an exchange");
    let exchange: Value = app
        .get(&format!("/api/v1/exchanges/{exchange_id}"), Some(buyer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(exchange["provider"]["enterprise_id"], *supplier_id);
    assert_eq!(exchange["beneficiary"]["enterprise_id"], *buyer_id);
    assert_eq!(
        exchange["quantity"], "1000",
        "never more than the offer has left"
    );
    assert_eq!(exchange["unit"], "kg");
    assert_eq!(
        exchange["conversation_id"],
        format!("exchange-{exchange_id}")
    );
    let offer: Value = app
        .get(&format!("/api/v1/listings/{offer_id}"), Some(supplier))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(offer["status"], "closed", "an offer given entirely closes");
    assert_eq!(
        exchange["unit_price"], "0.09",
        "priced per kg, as asked at 90 € HT per t"
    );
    // Hours of a tonnage cannot be asked for.
    let second = app
        .create_listing(
            supplier,
            &listing_body(
                *supplier_id,
                "offer",
                json!({"title": "Sciure de chêne", "quantity": "20", "unit": "t", "unit_price": "30"}),
            ),
        )
        .await;
    let refused = app
        .post(
            &format!("/api/v1/listings/{}/proposals", second["id"]),
            Some(buyer),
            &json!({"enterprise_id": buyer_id, "message": "Trois heures", "quantity": "3", "unit": "h", "unit_price": "1"}),
        )
        .await;
    let refused = assert_problem(refused, 422).await;
    assert_eq!(refused["errors"][0]["code"], "unit_incompatible");
    // The exchange's conversation: the parties and their coordinator.
    let coordinated = app
        .post(
            &format!("/api/v1/conversations/exchange-{exchange_id}/messages"),
            Some(&market.coordinator),
            &json!({"body": "Bravo, pensez à enregistrer la facture."}),
        )
        .await;
    assert_eq!(coordinated.status(), 201);
    let coordinated: Value = coordinated.json().await.unwrap();
    assert!(coordinated["author"]["organisation"]
        .as_str()
        .unwrap()
        .contains("coordinat"));
    // A takeover is asked about, not proposed on.
    let takeover = app
        .create_listing(
            supplier,
            &listing_body(*supplier_id, "offer", json!({"category": "business_takeover", "title": "Reprise d'une menuiserie", "naf": "16.23Z",
                "details": {"revenue_band": "500k_2m", "headcount_band": "10_49", "asking_price": "180000", "reason": "retirement", "timeline_months": 12}})),
        )
        .await;
    let refused = app
        .post(
            &format!("/api/v1/listings/{}/proposals", takeover["id"]),
            Some(buyer),
            &json!({"enterprise_id": buyer_id, "message": "Intéressés"}),
        )
        .await;
    let refused = assert_problem(refused, 409).await;
    assert_eq!(refused["code"], "takeover_by_contact_request");
}

#[tokio::test]
async fn an_exchange_left_agreed_gets_one_reminder_whose_links_work_once() {
    let app = TestApp::spawn().await;
    let (market, _offer, _need, match_id) = matched(&app).await;
    let (supplier, _) = &market.members[0];
    let (buyer, _) = &market.members[1];
    for token in [supplier, buyer] {
        let side = if token == supplier { "offer" } else { "need" };
        let answered = app
            .post(
                &format!("/api/v1/matches/{match_id}/accept"),
                Some(token),
                &json!({"side": side}),
            )
            .await;
        assert_eq!(answered.status(), 200);
    }
    let exchanges: Value = app
        .get("/api/v1/exchanges", Some(buyer))
        .await
        .json()
        .await
        .unwrap();
    let exchange_id = exchanges["items"][0]["id"].as_i64().unwrap();

    // Not yet: 29 days.
    let before = app.smtp.received().len();
    app.housekeeping_at(chrono::Utc::now() + chrono::Duration::days(29), 7)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(mails_to(
        &app.smtp.received()[before..],
        "member1@example.fr",
        "a-t-il eu lieu"
    )
    .is_empty());
    // After 30 days: both sides and the coordinator, once.
    app.housekeeping_at(chrono::Utc::now() + chrono::Duration::days(31), 7)
        .await;
    let to_buyer = wait_for_mails(&app, before, "member1@example.fr", "a-t-il eu lieu", 1).await;
    assert_eq!(to_buyer.len(), 1);
    assert_eq!(
        wait_for_mails(&app, before, "member0@example.fr", "a-t-il eu lieu", 1)
            .await
            .len(),
        1
    );
    assert_eq!(
        wait_for_mails(&app, before, "coordination@pole-a.fr", "a-t-il eu lieu", 1)
            .await
            .len(),
        1
    );
    app.housekeeping_at(chrono::Utc::now() + chrono::Duration::days(32), 7)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        mails_to(
            &app.smtp.received()[before..],
            "member1@example.fr",
            "a-t-il eu lieu"
        )
        .len(),
        1
    );

    // The "completed" link: a page with one button, then the exchange is completed; the
    // same link again does nothing.
    let text = to_buyer[0].decoded();
    let start = text
        .find(&format!(
            "/exchanges/{exchange_id}/follow-up?to=completed&token="
        ))
        .expect("a completed link");
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '<' && *c != '"')
        .collect();
    let page = app.get(&link, None).await;
    assert_eq!(page.status(), 200);
    let query = link.split_once('?').unwrap().1;
    let token = query.split("token=").nth(1).unwrap().to_string();
    let client = reqwest::Client::new();
    let post = |token: String| {
        client
            .post(app.url(&format!("/exchanges/{exchange_id}/follow-up")))
            .form(&[("to", "completed".to_string()), ("token", token)])
            .send()
    };
    assert_eq!(post(token.clone()).await.unwrap().status(), 200);
    let exchange: Value = app
        .get(&format!("/api/v1/exchanges/{exchange_id}"), Some(buyer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(exchange["status"], "completed");
    assert_eq!(
        post(token.clone()).await.unwrap().status(),
        409,
        "single use"
    );
    // A forged token does nothing.
    assert_eq!(post(format!("{token}0")).await.unwrap().status(), 409);
}

#[tokio::test]
async fn messages_are_limited_per_account() {
    let app = TestApp::spawn_with(|s| {
        s.limits.enabled = true;
        s.limits.messages.per_account = 3;
    })
    .await;
    let (market, _offer, _need, match_id) = matched(&app).await;
    let (buyer, _) = &market.members[1];
    let path = format!("/api/v1/conversations/match-{match_id}/messages");
    for n in 0..3 {
        let sent = app
            .post(&path, Some(buyer), &json!({"body": format!("Message {n}")}))
            .await;
        assert_eq!(sent.status(), 201);
    }
    let refused = assert_problem(
        app.post(&path, Some(buyer), &json!({"body": "Encore"}))
            .await,
        429,
    )
    .await;
    assert_eq!(refused["code"], "rate_limited");
    let messages: Value = app.get(&path, Some(buyer)).await.json().await.unwrap();
    assert_eq!(messages["items"].as_array().unwrap().len(), 3);
}
