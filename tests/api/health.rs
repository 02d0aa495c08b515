use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::{server_url, TestApp};

#[tokio::test]
async fn liveness_answers_ok() {
    let app = TestApp::spawn().await;
    let response = app.get("/health/live", None).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_report_the_pool_and_outbox() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/poles", None).await;
    app.get("/api/v1/poles", None).await;
    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    assert!(
        text.contains(
            "http_requests_total{method=\"GET\",route=\"/api/v1/poles\",status=\"200\"} 2"
        ),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/poles\",le=\"+Inf\"} 2"));
    assert!(text.contains("db_pool_connections "));
    assert!(text.contains("outbox_pending_messages "));
}

/// A TCP proxy in front of PostgreSQL that can be cut and restored, to play a database
/// outage without touching the shared server.
struct CuttableProxy {
    port: u16,
    up: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl CuttableProxy {
    async fn start(target_port: u16) -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up_flag, tasks) = (up.clone(), connections.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !up_flag.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(("127.0.0.1", target_port)).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tasks.lock().unwrap().push(task);
            }
        });
        CuttableProxy {
            port,
            up,
            connections,
            accept,
        }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for task in self.connections.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for CuttableProxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

async fn ready_status(app: &TestApp) -> u16 {
    app.get("/health/ready", None).await.status().as_u16()
}

async fn wait_for_ready_status(app: &TestApp, status: u16) -> u16 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = ready_status(app).await;
        if seen == status || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn readiness_is_503_while_the_database_is_unreachable_and_recovers_by_itself() {
    let server = server_url();
    let target_port: u16 = server
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(5432);
    let proxy = CuttableProxy::start(target_port).await;
    let proxy_port = proxy.port;
    let app = TestApp::spawn_with(move |settings| {
        let database = settings
            .database
            .url
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        settings.database.url = format!("postgres://postgres@127.0.0.1:{proxy_port}/{database}");
    })
    .await;
    assert_eq!(ready_status(&app).await, 200);

    proxy.cut();
    assert_eq!(wait_for_ready_status(&app, 503).await, 503);
    let body: Value = app.get("/health/ready", None).await.json().await.unwrap();
    assert_eq!(body["database"], "unreachable");
    // API calls fail cleanly too: 503, never a hang or a 500.
    let poles = app.get("/api/v1/poles", None).await;
    assert_eq!(poles.status(), 503);

    proxy.restore();
    assert_eq!(wait_for_ready_status(&app, 200).await, 200);
    assert_eq!(app.get("/api/v1/poles", None).await.status(), 200);
}
