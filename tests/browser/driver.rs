//! Starts chromedriver on a free port and a headless Chromium session, with the few
//! actions the tests need. Every wait polls for a condition with a deadline; none sleeps
//! blindly.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const DEADLINE: Duration = Duration::from_secs(20);

fn binary(env: &str, default: &str) -> String {
    std::env::var(env).unwrap_or_else(|_| default.to_string())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The widths pages are tried at: a phone and a laptop.
pub const PHONE: u32 = 390;
pub const LAPTOP: u32 = 1366;

/// Where screenshots go: `<target dir>/screenshots`.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("creating the screenshot folder");
    dir
}

pub struct Browser {
    pub client: Client,
    base: String,
    driver: Child,
}

impl Browser {
    /// A fresh browser for the service at `base` (http://127.0.0.1:port).
    pub async fn start(base: &str) -> Browser {
        let port = free_port();
        let driver = Command::new(binary("CHROMEDRIVER", "/usr/bin/chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver (apt-get install chromium-driver)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < DEADLINE, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": binary("CHROMIUM", "/usr/bin/chromium"),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,1000", "--lang=fr-FR", "--hide-scrollbars",
                ],
                "prefs": {"intl.accept_languages": "fr-FR,fr"},
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!(),
        };
        // Two rustls crypto providers are compiled in (ring for mail, aws-lc for the
        // WebDriver client's defaults): name one. Only loopback HTTP is spoken here.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("TLS roots")
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("opening a Chromium session");
        Browser {
            client,
            base: base.trim_end_matches('/').to_string(),
            driver,
        }
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("opening {path}: {e}"));
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// The element, once it is there.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(DEADLINE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clearing a field");
        field.send_keys(value).await.expect("typing");
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choosing {value} in {css}: {e}"));
    }

    /// Clicks the element, found again if the page changed under it (a navigation still
    /// finishing makes the first one stale on a loaded machine), for up to the deadline.
    pub async fn click(&self, css: &str) {
        let started = Instant::now();
        loop {
            match self.find(css).await.click().await {
                Ok(()) => return,
                Err(_) if started.elapsed() < DEADLINE => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("clicking {css}: {e}"),
            }
        }
    }

    /// Waits until the page's text contains `needle`. The typographic apostrophe of the
    /// French pages (’) reads as `'` on both sides, so that tests are written plainly; the
    /// text returned is read the same way.
    pub async fn wait_for_text(&self, needle: &str) -> String {
        let started = Instant::now();
        let needle = needle.replace('’', "'");
        let needle = needle.as_str();
        loop {
            let text = match self.client.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            }
            .replace('’', "'");
            if text.contains(needle) {
                self.assert_no_english_refusal(&text).await;
                return text;
            }
            if started.elapsed() > DEADLINE {
                panic!(
                    "\"{needle}\" never appeared on {}; the page says:\n{text}",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A French page never shows a refusal in English: the pages translate refusals by
    /// their code, never by matching the API's English sentence.
    async fn assert_no_english_refusal(&self, text: &str) {
        let lang = match self.client.find(Locator::Css("html")).await {
            Ok(html) => html.attr("lang").await.ok().flatten(),
            Err(_) => None,
        };
        if lang.as_deref() != Some("fr") {
            return;
        }
        for sentence in english_refusals() {
            assert!(
                !text.contains(sentence.as_str()),
                "a French page shows the English refusal \"{sentence}\" on {}:\n{text}",
                self.path().await
            );
        }
    }

    /// Waits until the browser is on a page whose path starts with `prefix`.
    pub async fn wait_for_path(&self, prefix: &str) -> String {
        let started = Instant::now();
        loop {
            let path = self.path().await;
            let ready = self
                .client
                .execute("return document.readyState", vec![])
                .await
                .map(|v| v == "complete")
                .unwrap_or(false);
            if path.starts_with(prefix) && ready {
                return path;
            }
            if started.elapsed() > DEADLINE {
                panic!("never reached {prefix}; still on {path}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Screenshots of the current page at phone (390 px) and laptop (1366 px) widths.
    pub async fn screenshots(&self, name: &str) {
        let dir = screenshot_dir();
        for width in [PHONE, LAPTOP] {
            self.client
                .set_window_size(width, 1100)
                .await
                .expect("resizing the window");
            let png = self.client.screenshot().await.expect("a screenshot");
            assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
            std::fs::write(dir.join(format!("{name}-{width}.png")), png)
                .expect("saving a screenshot");
        }
        self.client.set_window_size(1280, 1000).await.ok();
    }

    /// Signs out whoever is signed in and signs in with the form.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.client
            .delete_all_cookies()
            .await
            .expect("clearing cookies");
        self.goto("/login").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click("form[action='/login'] button[type=submit]")
            .await;
        self.wait_for_path("/dashboard").await;
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// The English refusals (errors.ftl) that differ from the French ones, without their
/// arguments: the start of each message up to its first placeable.
fn english_refusals() -> &'static Vec<String> {
    static SENTENCES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SENTENCES.get_or_init(|| {
        let read = |lang: &str| {
            std::fs::read_to_string(format!(
                "{}/locales/{lang}/errors.ftl",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap()
        };
        let french = read("fr");
        read("en")
            .lines()
            .filter_map(|line| line.split_once(" = ").map(|(_, message)| message))
            .map(|message| {
                message
                    .split('{')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            })
            .filter(|start| start.len() >= 16 && !french.contains(start.as_str()))
            .collect()
    })
}
