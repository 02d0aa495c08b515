//! Where emails go: an SMTP server, `.eml` files, or memory (unit tests).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use lettre::message::{header, Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailSettings;
use crate::models::outbox::OutboxMessage;

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<Message>>>),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Files(dir) => write!(f, "Mailer::Files({})", dir.display()),
            Mailer::Memory(_) => f.write_str("Mailer::Memory"),
        }
    }
}

impl Mailer {
    /// SMTP when `mail.smtp_url` is set (plain, STARTTLS with `?tls=required`, or
    /// implicit TLS with `smtps://`), otherwise `.eml` files.
    pub fn from_settings(settings: &MailSettings) -> anyhow::Result<Mailer> {
        let url = settings.smtp_url.trim();
        if url.is_empty() {
            std::fs::create_dir_all(&settings.outbox_dir)
                .with_context(|| format!("creating {}", settings.outbox_dir.display()))?;
            return Ok(Mailer::Files(settings.outbox_dir.clone()));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("mail.smtp_url is not a valid SMTP URL")?
            .timeout(Some(Duration::from_secs(15)))
            .build();
        Ok(Mailer::Smtp(transport))
    }

    /// Hands the message over. A refusal that no retry can change (a 5xx answer, an
    /// address the server cannot take) is [`SendFailure::permanent`]; a lost connection, a
    /// timeout or a 4xx answer is worth retrying.
    pub async fn send(&self, message: Message, outbox_id: i64) -> Result<(), SendFailure> {
        match self {
            Mailer::Smtp(transport) => {
                transport.send(message).await.map_err(|error| SendFailure {
                    permanent: error.is_permanent() || error.is_client(),
                    error: anyhow::Error::new(error).context("SMTP delivery"),
                })?;
            }
            Mailer::Files(dir) => {
                let path = dir.join(format!("{outbox_id:08}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .with_context(|| format!("writing {}", path.display()))
                    .map_err(SendFailure::transient)?;
            }
            Mailer::Memory(sent) => sent.lock().expect("mailer lock").push(message),
        }
        Ok(())
    }

    /// Does the configured SMTP server announce SMTPUTF8 (RFC 6531), so that addresses
    /// with a non-ASCII local part can be delivered? Asked with EHLO (after STARTTLS or
    /// over TLS when the URL says so); `.eml` files and unreachable servers answer false.
    pub async fn announces_smtputf8(smtp_url: &str) -> bool {
        match probe_smtputf8(smtp_url).await {
            Ok(announced) => announced,
            Err(error) => {
                tracing::debug!(error = %error, "could not ask the SMTP server what it supports");
                false
            }
        }
    }
}

async fn probe_smtputf8(smtp_url: &str) -> anyhow::Result<bool> {
    use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
    use lettre::transport::smtp::extension::{ClientId, Extension};
    let url = url::Url::parse(smtp_url.trim()).context("mail.smtp_url")?;
    let host = url
        .host_str()
        .context("mail.smtp_url has no host")?
        .to_string();
    let tls = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.to_string());
    // The ports and TLS modes lettre's `from_url` uses.
    let (port, wrapper, starttls) = match (url.scheme(), tls.as_deref()) {
        ("smtps", _) => (url.port().unwrap_or(465), true, false),
        ("smtp", Some("required" | "opportunistic")) => (url.port().unwrap_or(587), false, true),
        _ => (url.port().unwrap_or(25), false, false),
    };
    let timeout = Some(Duration::from_secs(5));
    let hello = ClientId::default();
    let parameters = || TlsParameters::new(host.clone());
    let wrapped = if wrapper { Some(parameters()?) } else { None };
    let mut connection =
        AsyncSmtpConnection::connect_tokio1((host.as_str(), port), timeout, &hello, wrapped, None)
            .await?;
    if starttls && connection.can_starttls() {
        connection.starttls(parameters()?, &hello).await?;
    }
    let announced = connection
        .server_info()
        .supports_feature(Extension::SmtpUtfEight);
    let _ = connection.quit().await;
    Ok(announced)
}

/// Why a message was not sent, and whether trying again could help.
#[derive(Debug)]
pub struct SendFailure {
    /// Nothing will change by retrying: the message is parked at once.
    pub permanent: bool,
    pub error: anyhow::Error,
}

impl SendFailure {
    pub fn transient(error: anyhow::Error) -> SendFailure {
        SendFailure {
            permanent: false,
            error,
        }
    }

    pub fn permanent(error: anyhow::Error) -> SendFailure {
        SendFailure {
            permanent: true,
            error,
        }
    }
}

/// What the configured mail server can carry, as last asked (shared by the HTTP workers
/// and the email worker of one node; every node asks its own server).
#[derive(Debug, Clone, Default)]
pub struct MailCapabilities {
    smtputf8: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl MailCapabilities {
    /// May addresses with a non-ASCII local part be registered?
    pub fn smtputf8(&self) -> bool {
        self.smtputf8.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn set_smtputf8(&self, announced: bool) {
        self.smtputf8
            .store(announced, std::sync::atomic::Ordering::Relaxed);
    }

    /// Asks the server of `smtp_url` (none configured: false).
    pub async fn refresh(&self, smtp_url: &str) {
        let announced = !smtp_url.trim().is_empty() && Mailer::announces_smtputf8(smtp_url).await;
        self.set_smtputf8(announced);
    }
}

/// The recipient with its domain in ASCII (IDNA), as every server routes it: rows written
/// before domains were stored that way still go out.
fn ascii_recipient(recipient: &str) -> String {
    match recipient.rsplit_once('@') {
        Some((local, domain)) if !domain.is_ascii() => match idna::domain_to_ascii(domain) {
            Ok(ascii) => format!("{local}@{ascii}"),
            Err(_) => recipient.to_string(),
        },
        _ => recipient.to_string(),
    }
}

/// Builds the multipart (text + HTML) message for an outbox row. The Message-ID comes from
/// the outbox id, so a message retried after a lost acknowledgement keeps its identity and
/// receiving servers can drop the duplicate.
pub fn build_message(from: &str, base_url: &str, row: &OutboxMessage) -> anyhow::Result<Message> {
    let from: Mailbox = from.parse().context("mail.from is not a valid address")?;
    let to: Mailbox = ascii_recipient(&row.recipient)
        .parse()
        .with_context(|| format!("invalid recipient {}", row.recipient))?;
    let host = url_host(base_url);
    Message::builder()
        .from(from)
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(format!("<outbox-{}@{host}>", row.id)))
        .multipart(body(row)?)
        .map(|mut message| {
            let headers = message.headers_mut();
            headers.insert_raw(header::HeaderValue::new(
                header::HeaderName::new_from_ascii_str("X-PTCE-Outbox-Id"),
                row.id.to_string(),
            ));
            if let Some(url) = &row.unsubscribe_url {
                // RFC 8058 one-click unsubscribe.
                headers.insert_raw(header::HeaderValue::new(
                    header::HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ));
                headers.insert_raw(header::HeaderValue::new(
                    header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_string(),
                ));
            }
            message
        })
        .context("building the message")
}

/// The text and HTML parts, and the calendar file when the message carries one (a
/// visit's `.ics`, `text/calendar`, RFC 5545).
fn body(row: &OutboxMessage) -> anyhow::Result<MultiPart> {
    let text_and_html =
        MultiPart::alternative_plain_html(row.text_body.clone(), row.html_body.clone());
    let Some(ics) = &row.calendar_ics else {
        return Ok(text_and_html);
    };
    let calendar = header::ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
        .context("the calendar content type")?;
    Ok(MultiPart::mixed()
        .multipart(text_and_html)
        .singlepart(Attachment::new("visite.ics".to_string()).body(ics.clone(), calendar)))
}

fn url_host(base_url: &str) -> String {
    base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', ':'])
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost")
        .to_string()
}
