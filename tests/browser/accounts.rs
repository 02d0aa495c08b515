//! The password reset of the emailed link, through the pages.

use crate::driver::Browser;
use crate::helpers::TestApp;

fn reset_path(mail: &crate::smtp::ReceivedMail) -> String {
    // Quoted-printable may fold the link; undo soft line breaks first.
    let data = mail
        .data
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = data.find("/reset-password?token=").expect("a reset link");
    data[start..start + "/reset-password?token=".len() + 64].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_is_reset_from_the_emailed_link_once() {
    let app = TestApp::spawn().await;
    app.register("forgetful@example.fr").await;
    let b = Browser::start(&app.address).await;

    b.goto("/login").await;
    b.click("a[href='/forgot-password']").await;
    b.fill("#email", "forgetful@example.fr").await;
    b.click("form[action='/forgot-password'] button[type=submit]")
        .await;
    b.wait_for_text("Si un compte existe avec cette adresse")
        .await;

    let mails = app.wait_for_emails(2).await;
    let mail = mails
        .iter()
        .find(|m| m.data.contains("reset-password"))
        .expect("the reset email");
    let link = reset_path(mail);
    b.goto(&link).await;
    b.fill("#password", "a brand new password").await;
    b.fill("#confirm", "another password").await;
    b.click("form[action='/reset-password'] button[type=submit]")
        .await;
    b.wait_for_text("Les deux mots de passe diffèrent").await;
    b.find("#confirm-error").await;

    b.fill("#password", "a brand new password").await;
    b.fill("#confirm", "a brand new password").await;
    b.click("form[action='/reset-password'] button[type=submit]")
        .await;
    b.wait_for_text("Votre mot de passe a été changé").await;
    b.sign_in("forgetful@example.fr", "a brand new password")
        .await;

    // The link served once.
    b.goto(&link).await;
    b.fill("#password", "yet another password").await;
    b.fill("#confirm", "yet another password").await;
    b.click("form[action='/reset-password'] button[type=submit]")
        .await;
    b.wait_for_text("Ce lien n'est pas valide").await;
    b.close().await;
}
