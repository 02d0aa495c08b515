//! Where emails go: an SMTP server, `.eml` files, or memory (unit tests).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use lettre::message::{header, Mailbox, MultiPart};
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

    pub async fn send(&self, message: Message, outbox_id: i64) -> anyhow::Result<()> {
        match self {
            Mailer::Smtp(transport) => {
                transport.send(message).await.context("SMTP delivery")?;
            }
            Mailer::Files(dir) => {
                let path = dir.join(format!("{outbox_id:08}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            Mailer::Memory(sent) => sent.lock().expect("mailer lock").push(message),
        }
        Ok(())
    }
}

/// Builds the multipart (text + HTML) message for an outbox row. The Message-ID comes from
/// the outbox id, so a message retried after a lost acknowledgement keeps its identity and
/// receiving servers can drop the duplicate.
pub fn build_message(from: &str, base_url: &str, row: &OutboxMessage) -> anyhow::Result<Message> {
    let from: Mailbox = from.parse().context("mail.from is not a valid address")?;
    let to: Mailbox = row
        .recipient
        .parse()
        .with_context(|| format!("invalid recipient {}", row.recipient))?;
    let host = url_host(base_url);
    Message::builder()
        .from(from)
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(format!("<outbox-{}@{host}>", row.id)))
        .multipart(MultiPart::alternative_plain_html(
            row.text_body.clone(),
            row.html_body.clone(),
        ))
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
