//! A small but real SMTP server on loopback: it speaks enough of RFC 5321 for lettre
//! (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps what it receives.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl ReceivedMail {
    /// A header's value, unfolded (RFC 5322: a long header continues on lines that start
    /// with whitespace).
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        let mut lines = self.data.lines().take_while(|line| !line.is_empty());
        let first = lines.find(|line| line.to_ascii_lowercase().starts_with(&prefix))?;
        let mut value = first[prefix.len()..].trim().to_string();
        for continuation in lines.take_while(|line| line.starts_with([' ', '\t'])) {
            value.push(' ');
            value.push_str(continuation.trim());
        }
        Some(value)
    }

    /// The message with quoted-printable undone (lettre writes mostly-ASCII French text
    /// that way), so tests can look for words and links as a reader sees them.
    pub fn decoded(&self) -> String {
        let data = self.data.replace("=\r\n", "").replace("=\n", "");
        let bytes = data.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// How the test server behaves.
#[derive(Debug, Clone)]
pub struct SmtpOptions {
    /// Announce SMTPUTF8 (RFC 6531) in the EHLO answer.
    pub smtputf8: bool,
    /// Refuse for good (550) recipients containing this text.
    pub reject_recipients_containing: Option<String>,
}

impl Default for SmtpOptions {
    fn default() -> Self {
        SmtpOptions {
            smtputf8: true,
            reject_recipients_containing: None,
        }
    }
}

pub struct SmtpServer {
    port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    task: JoinHandle<()>,
}

impl SmtpServer {
    /// Starts on a given port (0: any free one), to bring a server back where a client
    /// expects it.
    pub async fn start_on(port: u16) -> SmtpServer {
        Self::start_with(port, SmtpOptions::default()).await
    }

    pub async fn start_with(port: u16, options: SmtpOptions) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("binding the SMTP server");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    break;
                };
                let store = store.clone();
                let options = options.clone();
                tokio::spawn(async move {
                    let _ = serve(socket, store, options).await;
                });
            }
        });
        SmtpServer {
            port,
            received,
            task,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<ReceivedMail>>>,
    options: SmtpOptions,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test-smtp ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            if options.smtputf8 {
                write
                    .write_all(b"250-test-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                    .await?;
            } else {
                write
                    .write_all(b"250-test-smtp\r\n250 8BITMIME\r\n")
                    .await?;
            }
        } else if upper.starts_with("HELO") {
            write.write_all(b"250 test-smtp\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..]
                .trim()
                .trim_matches(|c| c == '<' || c == '>')
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            let refused = options
                .reject_recipients_containing
                .as_deref()
                .is_some_and(|text| command.contains(text));
            if refused || (!options.smtputf8 && !command.is_ascii()) {
                write
                    .write_all(b"550 5.1.1 No such mailbox here\r\n")
                    .await?;
                continue;
            }
            to.push(
                command[8..]
                    .trim()
                    .trim_matches(|c| c == '<' || c == '>')
                    .to_string(),
            );
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(&unstuffed.replace("\r\n", "\n"));
            }
            store.lock().unwrap().push(ReceivedMail {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "RSET" || upper == "NOOP" {
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}
