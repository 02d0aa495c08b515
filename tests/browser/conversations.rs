//! Talking before agreeing, in the pages, on the demo data: the inbox, a conversation with
//! its photo, writing with a file (no script needed: a multipart form), the unread count in
//! the header, and answering an offer from its page.

use diesel::prelude::*;

use crate::driver::Browser;
use crate::usability::demo_app;
use ptce_exchange::schema::{enterprises, listings};
use ptce_exchange::seed::DEMO_PASSWORD;

#[tokio::test(flavor = "multi_thread")]
async fn members_talk_with_photos_in_the_pages_and_answer_an_offer() {
    let app = demo_app().await;
    let b = Browser::start(&app.address).await;

    // The sawmill has one unread message, shown in the header.
    b.sign_in("sophie.valentin@demo.ptce.fr", DEMO_PASSWORD)
        .await;
    b.goto("/dashboard").await;
    let badge = b.find("header .badge").await.text().await.unwrap();
    assert_eq!(badge.trim(), "1");

    // The joinery's inbox: the conversation of the oak exchange, with the sawmill's photo.
    b.sign_in("paul.girard@demo.ptce.fr", DEMO_PASSWORD).await;
    b.goto("/conversations").await;
    b.wait_for_text("Chêne des Vosges séché").await;
    b.screenshots("inbox").await;
    b.click("ul.inbox a").await;
    b.wait_for_text("taux d'humidité").await;
    let thumbnail = b.find("img.thumb").await;
    let loaded = b
        .client
        .execute(
            "return arguments[0].complete && arguments[0].naturalWidth > 0",
            vec![serde_json::to_value(&thumbnail).unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(loaded, serde_json::Value::Bool(true), "the thumbnail loads");

    // It answers with a photo of its own.
    let photo = std::env::temp_dir().join(format!("atelier-{}.png", std::process::id()));
    let image = image::RgbImage::from_fn(200, 120, |x, _| image::Rgb([120, (x % 200) as u8, 60]));
    image.save(&photo).unwrap();
    b.fill("#body", "Nous passerons jeudi à 8 h, avec la remorque.")
        .await;
    b.find("#file")
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    b.click("form[action^='/conversations/'] button[type=submit]")
        .await;
    b.wait_for_text("Message envoyé").await;
    b.wait_for_text("Nous passerons jeudi à 8 h").await;
    let thumbnails = b
        .client
        .execute(
            "return document.querySelectorAll('img.thumb').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(thumbnails.as_u64(), Some(2));
    b.screenshots("conversation").await;

    // Answering an offer of another enterprise from its page creates a proposal.
    let offer = app
        .with_conn(|conn| {
            listings::table
                .inner_join(enterprises::table)
                .filter(listings::status.eq("open"))
                .filter(listings::kind.eq("offer"))
                .filter(listings::category.eq("local_resource"))
                .filter(enterprises::name.ne("Menuiserie Coopérative du Royans"))
                .select(listings::id)
                .first::<i64>(conn)
        })
        .await
        .expect("an open offer");
    b.goto(&format!("/listings/{offer}")).await;
    b.wait_for_text("Répondre à cette offre").await;
    b.fill("#message", "Nous serions preneurs d'une partie du lot.")
        .await;
    b.fill("#p-quantity", "100").await;
    b.select("#p-unit", "kg").await;
    b.click("form[action$='/proposals'] button[type=submit]")
        .await;
    b.wait_for_text("proposition a été envoyée").await;
    b.screenshots("offer-answered").await;
    let _ = std::fs::remove_file(photo);
    b.close().await;
}
