//! Learning visits and the library in the pages, on the demo data: the calendar by month,
//! registering until a visit is full, the waiting list, cancelling with a confirmation
//! step, planning a visit with the form, the organiser's view, writing the report of a
//! visit held and finding it in the library.

use crate::driver::Browser;
use crate::usability::demo_app;
use ptce_exchange::seed::DEMO_PASSWORD;

async fn set_value(b: &Browser, css: &str, value: &str) {
    b.client
        .execute(
            "document.querySelector(arguments[0]).value = arguments[1]",
            vec![css.into(), value.into()],
        )
        .await
        .unwrap_or_else(|e| panic!("setting {css}: {e}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn members_register_wait_and_organisers_plan_follow_and_report_in_the_pages() {
    let app = demo_app().await;
    let b = Browser::start(&app.address).await;

    // The calendar, by month, for anyone.
    b.goto("/visits").await;
    b.wait_for_text("Financer une scierie coopérative").await;
    b.wait_for_text("1 place restante").await;
    b.screenshots("visits-calendar").await;

    // A member of the Lyon pôle takes the last seat of the Vosges visit.
    b.sign_in("ines.moreau@demo.ptce.fr", DEMO_PASSWORD).await;
    b.goto("/visits").await;
    b.click("article.visit a").await;
    b.wait_for_text("Financer une scierie coopérative").await;
    b.click("#register button[type=submit]").await;
    b.wait_for_text("Vous êtes inscrit").await;
    b.wait_for_text("Complet").await;
    let visit_path = b.path().await;
    b.screenshots("visit-registered").await;

    // Another member joins the waiting list.
    b.sign_in("julien.fabre@demo.ptce.fr", DEMO_PASSWORD).await;
    b.goto(&visit_path).await;
    b.wait_for_text("liste d’attente").await;
    b.click("#register button[type=submit]").await;
    b.wait_for_text("position 1").await;

    // The first cancels, after a confirmation step: the seat goes to the waiting list.
    b.sign_in("ines.moreau@demo.ptce.fr", DEMO_PASSWORD).await;
    b.goto(&visit_path).await;
    b.click("#register form button[type=submit]").await;
    b.wait_for_text("Annuler cette inscription").await;
    b.click("section.confirm form button[type=submit]").await;
    b.wait_for_text("Inscription annulée").await;

    // The organiser sees who comes, in order.
    b.sign_in("coordination.vosges@demo.ptce.fr", DEMO_PASSWORD)
        .await;
    b.goto(&visit_path).await;
    b.wait_for_text("Inscriptions (organisateurs)").await;
    b.wait_for_text("Traiteur Solidaire des Pentes").await;
    b.wait_for_text("3 inscrits").await;
    b.screenshots("visit-organiser").await;

    // A coordinator plans a visit with the form (times in Paris time).
    b.sign_in("coordination.archer@demo.ptce.fr", DEMO_PASSWORD)
        .await;
    b.goto("/visits/new").await;
    b.fill("#title", "Le réemploi des cuirs à Romans").await;
    b.select("#theme", "economic_model").await;
    b.select("#transversal_issue", "local_effects").await;
    b.fill("#commune", "26281").await;
    set_value(&b, "#starts_at", "2027-03-18T09:30").await;
    set_value(&b, "#ends_at", "2027-03-18T12:30").await;
    b.fill("#capacity", "12").await;
    b.click("form[action='/visits/new'] button[type=submit]")
        .await;
    b.wait_for_text("Visite publiée").await;
    b.wait_for_text("18/03/2027 09:30 – 12:30").await;
    let planned = b.path().await;
    let ics = app
        .client
        .get(app.url(&format!("{planned}.ics")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // 09:30 in Paris on 18 March 2027 (UTC+1) is 08:30 UTC.
    assert!(ics.contains("DTSTART:20270318T083000Z"), "{ics}");

    // The Lyon coordinator writes the report of the visit held three weeks ago.
    b.sign_in("coordination.lyon@demo.ptce.fr", DEMO_PASSWORD)
        .await;
    b.goto("/visits?when=past").await;
    b.wait_for_text("Gouvernance d’une SCIC").await;
    let link = b
        .client
        .execute(
            "return [...document.querySelectorAll('article.visit a')].find(a => a.textContent.includes('Gouvernance')).getAttribute('href')",
            vec![],
        )
        .await
        .unwrap();
    b.goto(link.as_str().unwrap()).await;
    b.wait_for_text("Écrire le compte rendu").await;
    b.fill(
        "#summary",
        "Trois pôles ont vu comment les sociétaires décident en collèges.",
    )
    .await;
    b.fill(
        "#lessons",
        "Des commissions préparent les décisions ; les statuts se relisent chaque année.",
    )
    .await;
    b.click("form[action$='/report'] button[type=submit]").await;
    b.wait_for_text("Compte rendu publié").await;
    b.wait_for_text("Compte rendu — Gouvernance d’une SCIC")
        .await;

    // Found in the library by a French search, signed out.
    b.client.delete_all_cookies().await.unwrap();
    b.goto("/library?q=societaires%20college").await;
    b.wait_for_text("Compte rendu — Gouvernance d’une SCIC")
        .await;
    b.goto("/library").await;
    b.wait_for_text("Statuts types de SCIC commentés").await;
    b.screenshots("library").await;
    b.close().await;
}
