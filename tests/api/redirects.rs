//! Every redirect of the service stays on the site, whatever `next` says, and no target
//! gives a 500.

use crate::helpers::TestApp;

/// Targets that browsers would follow elsewhere, or that are not valid in a header.
const HOSTILE: &[&str] = &[
    "/%09/evil.example/",
    "/%0A/x",
    "/%0D/x",
    "/%00x",
    "//evil.example/",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "/.//evil.example/",
    "https://evil.example/",
    "/%E2%80%A8/evil.example",
    "%20/dashboard",
    "javascript:alert(1)",
];

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_language_switch_never_redirects_off_the_site() {
    let app = TestApp::spawn().await;
    for next in HOSTILE {
        let response = app.get(&format!("/lang/en?next={next}"), None).await;
        assert_eq!(response.status(), 303, "next={next}");
        assert_eq!(location(&response), "/dashboard", "next={next}");
    }
    let response = app
        .get("/lang/en?next=/listings%3Fq%3Dch%C3%AAne", None)
        .await;
    assert_eq!(location(&response), "/listings?q=ch%C3%AAne");
    let response = app.get("/lang/fr", None).await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn the_login_form_never_redirects_off_the_site() {
    let app = TestApp::spawn().await;
    app.register("camille@example.fr").await;
    for next in HOSTILE {
        // The form page itself renders whatever the target.
        let page = app.get(&format!("/login?next={next}"), None).await;
        assert_eq!(page.status(), 200, "next={next}");
        let (client, csrf) = crate::helpers::anonymous_form_session(&app, "/login").await;
        let decoded: String = url_decode(next);
        let response = client
            .post(app.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "camille@example.fr"),
                ("password", "correct horse battery"),
                ("next", decoded.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "next={next}");
        assert_eq!(location(&response), "/dashboard", "next={next}");
    }
}

/// Percent-decodes a query value, as a browser's form would send it.
fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
