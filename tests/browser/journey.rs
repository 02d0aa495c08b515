//! The main journey, in the pages only: two members register, create their enterprises,
//! the coordinator approves them, one posts an offer and the other a matching need, both
//! accept the match, the coordinator moves the exchange on, records a transaction (and
//! reverses a wrong one) and sees the amount in the inter-pôle flow chart.

use crate::driver::Browser;
use crate::helpers::{siret, TestApp};

const PASSWORD: &str = "correct horse battery";
const COORDINATOR: &str = "coordination@pole-a.fr";

async fn register(b: &Browser, name: &str, email: &str) {
    b.client.delete_all_cookies().await.unwrap();
    b.goto("/register").await;
    b.fill("#display_name", name).await;
    b.fill("#email", email).await;
    b.fill("#password", PASSWORD).await;
    b.click("form[action='/register'] button[type=submit]")
        .await;
    b.wait_for_path("/dashboard").await;
    b.wait_for_text(name).await;
}

async fn create_enterprise(b: &Browser, name: &str, n: u64) {
    b.goto("/enterprises/new").await;
    b.fill("#name", name).await;
    b.fill("#siret", &siret(n)).await;
    b.fill("#naf", "16.23Z").await;
    b.fill("#commune", "26281").await;
    b.fill("#headcount", "8").await;
    b.click("input[name=poles][value='pole-a']").await;
    b.click("form[action='/enterprises/new'] button[type=submit]")
        .await;
    b.wait_for_path("/dashboard").await;
    b.wait_for_text("En attente").await;
}

async fn approve(b: &Browser, enterprise: &str) {
    b.sign_in(COORDINATOR, PASSWORD).await;
    b.goto("/coordinator").await;
    b.wait_for_text(enterprise).await;
    b.click("#memberships form[action^='/coordinator/poles/pole-a/members/'] button")
        .await;
    b.wait_for_text("Aucune demande en attente").await;
}

#[allow(clippy::too_many_arguments)]
async fn post_listing(b: &Browser, kind: &str, title: &str, quantity: &str, price: &str) -> String {
    b.goto(&format!(
        "/listings/new?category=local_resource&kind={kind}"
    ))
    .await;
    b.click(&format!("input[name=kind][value={kind}]")).await;
    b.fill("#title", title).await;
    b.fill(
        "#description",
        "Chêne sec, stocké à l'abri, à enlever sur place.",
    )
    .await;
    b.fill("#naf", "16.10A").await;
    b.fill("#commune", "26281").await;
    b.fill("#radius_km", "50").await;
    b.fill("#quantity", quantity).await;
    b.select("#unit", "kg").await;
    b.fill("#unit_price", price).await;
    b.select("#resource_type", "by_product").await;
    b.select("#material", "wood").await;
    b.click("form[action='/listings/new'] button[type=submit]")
        .await;
    // The listing's own page (the form's page has no "manage" section).
    b.wait_for_text("Gérer l'annonce").await;
    let path = b.path().await;
    assert!(
        !path.starts_with("/listings/new"),
        "still on the form: {path}"
    );
    b.wait_for_text(title).await;
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_members_trade_through_the_pages_and_the_coordinator_sees_the_flow() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26", "07", "38"])
        .await;
    app.coordinator_of(&admin, "pole-a", COORDINATOR).await;
    let b = Browser::start(&app.address).await;

    b.goto("/").await;
    b.wait_for_text("Offres et besoins").await;
    b.screenshots("search").await;
    b.goto("/register").await;
    b.screenshots("register").await;
    b.goto("/login").await;
    b.screenshots("login").await;

    // The first member registers and creates its enterprise, pending approval.
    register(&b, "Claire Martin", "claire@menuiserie.fr").await;
    create_enterprise(&b, "Menuiserie du Royans", 1).await;
    approve(&b, "Menuiserie du Royans").await;

    // It posts an offer.
    b.sign_in("claire@menuiserie.fr", PASSWORD).await;
    b.goto("/listings/new?category=local_resource").await;
    b.screenshots("listing-form").await;
    let offer = post_listing(&b, "offer", "Chutes de chêne massif", "1000", "0,40").await;

    // A second member registers, is approved, posts a matching need and sees the match.
    register(&b, "Karim Benali", "karim@ressourcerie.fr").await;
    create_enterprise(&b, "Ressourcerie Drôme Nord", 2).await;
    approve(&b, "Ressourcerie Drôme Nord").await;
    b.sign_in("karim@ressourcerie.fr", PASSWORD).await;
    let need = post_listing(&b, "need", "Bois de chêne pour l'atelier", "500", "0,50").await;
    let text = b.wait_for_text("Correspondances (1)").await;
    assert!(
        text.contains("Chutes de chêne massif"),
        "the match shows the offer"
    );
    assert!(text.contains("/100"), "the match shows its score");
    assert!(text.contains("Matière"), "the match explains its score");
    b.screenshots("listing").await;
    b.click("form[action$='/accept'] button[type=submit]").await;
    b.wait_for_text("Besoin: Acceptée").await;

    // The first member accepts from its dashboard: the exchange exists.
    b.sign_in("claire@menuiserie.fr", PASSWORD).await;
    b.goto("/dashboard").await;
    b.wait_for_text("Bois de chêne pour l'atelier").await;
    b.screenshots("dashboard").await;
    b.click("form[action$='/accept'] button[type=submit]").await;
    b.wait_for_path("/dashboard").await;
    b.wait_for_text("Convenu").await;
    b.goto(&offer).await;
    b.wait_for_text("Voir l'échange").await;

    // The coordinator follows it: in progress, a transaction, a reversal, another one.
    b.sign_in(COORDINATOR, PASSWORD).await;
    b.goto("/coordinator").await;
    b.wait_for_text("Échanges à suivre").await;
    b.click("form[action$='/transition'] button[value='in_progress']")
        .await;
    b.wait_for_text("En cours").await;
    b.click("table a[href^='/exchanges/']").await;
    b.wait_for_path("/exchanges/").await;
    b.fill("#amount", "150").await;
    b.fill("#t-description", "Saisie erronée").await;
    b.click("form[action$='/transactions'] button[type=submit]")
        .await;
    b.wait_for_text("180,00").await;
    b.click("form[action$='/reverse'] button[type=submit]")
        .await;
    // Reversing asks first: a reversal cannot be undone.
    b.wait_for_text("Annuler cette transaction ?").await;
    b.click("form[action$='/reverse'] button.danger").await;
    b.wait_for_text("Contre-passation").await;
    b.fill("#amount", "200,00").await;
    b.fill("#t-description", "Livraison de 500 kg").await;
    b.click("form[action$='/transactions'] button[type=submit]")
        .await;
    let text = b.wait_for_text("Livraison de 500 kg").await;
    assert!(text.contains("240,00"), "200,00 € + 20 % VAT: {text}");
    // Its impact, filled in on the same page.
    b.fill("#i-jobs_kept", "2").await;
    b.fill("#i-tonnes_diverted", "0,5").await;
    b.click("form[action$='/impact'] button[type=submit]").await;
    let text = b.wait_for_text("Emplois maintenus").await;
    assert!(text.contains("Déchets évités (t)"), "{text}");
    b.screenshots("exchange").await;

    // The flow chart shows the net amount between the pôles.
    b.goto("/coordinator").await;
    b.wait_for_text("Flux entre pôles").await;
    let chart = b.find("svg.chart[role='img']").await;
    let svg = chart.html(false).await.unwrap();
    assert!(svg.contains("<title"), "the chart has a title");
    assert!(svg.contains("200,00"), "the chart shows the amount: {svg}");
    b.screenshots("coordinator").await;
    b.goto("/coordinator/exchanges/new").await;
    b.wait_for_text("Nouvel échange").await;
    b.screenshots("new-exchange").await;

    // The pôle's page lists both members and their open listings' figures.
    b.goto("/poles/pole-a").await;
    let text = b.wait_for_text("Entreprises membres").await;
    assert!(text.contains("Menuiserie du Royans") && text.contains("Ressourcerie Drôme Nord"));
    b.screenshots("pole").await;
    b.goto(&need).await;
    b.wait_for_text("Bois de chêne pour l'atelier").await;

    // The search, with the commune picked from the autocomplete.
    b.goto("/").await;
    b.select("#kind", "offer").await;
    b.fill("#place", "Romans-sur").await;
    b.click("#place-suggestions li").await;
    let place = b.find("#place").await.prop("value").await.unwrap();
    assert_eq!(place.as_deref(), Some("Romans-sur-Isère (26)"));
    b.fill("#radius_km", "30").await;
    b.click("form[role='search'] button[type=submit]").await;
    let text = b.wait_for_text("autour de Romans-sur-Isère (26)").await;
    assert!(text.contains("Chutes de chêne massif"), "{text}");
    assert!(
        !text.contains("Bois de chêne pour l'atelier"),
        "offers only: {text}"
    );
    assert!(text.contains("0,0 km"), "the distance is shown: {text}");

    // A member saves a search: an alert for oak offers around Romans.
    b.sign_in("claire@menuiserie.fr", PASSWORD).await;
    b.goto("/notifications").await;
    b.wait_for_text("Mes préférences").await;
    b.select("#alert-kind", "offer").await;
    b.fill("#commune", "26281").await;
    b.fill("#alert-radius", "30").await;
    b.fill("#alert-keywords", "chêne").await;
    b.click("form[action='/notifications/alerts'] button[type=submit]")
        .await;
    let text = b.wait_for_text("L'alerte est créée.").await;
    assert!(
        text.contains("à moins de 30 km de Romans-sur-Isère"),
        "{text}"
    );
    b.screenshots("notifications").await;

    // The admin's page.
    b.sign_in("admin@test.fr", "admin password 1").await;
    b.goto("/admin").await;
    b.wait_for_text("Créer un pôle").await;
    b.screenshots("admin").await;

    // The language switch in the footer.
    b.click("footer a[hreflang='en']").await;
    b.wait_for_text("Create a pôle").await;
    let lang = b.find("html").await.attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("en"));
    b.close().await;
}
