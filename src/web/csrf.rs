//! CSRF tokens on every POST form. Signed in: an HMAC of the session's token id; signed
//! out (login, registration, password reset): an HMAC of a random value kept in an
//! HttpOnly cookie (double submit). Both are keyed with `app.secret`, so any app node can
//! check them without shared state.

use actix_web::cookie::Cookie;
use actix_web::HttpRequest;
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::auth::Caller;
use crate::state::AppState;

/// The detail of the 403 a refused token gets (the error page explains it).
pub const REFUSED: &str = "csrf";
pub const ANON_COOKIE: &str = "ptce_csrf";

/// HMAC-SHA256 of `message` under `app.secret`, in hex, for one `purpose`.
pub fn sign(state: &AppState, purpose: &str, message: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(state.settings.app.secret.expose_secret().as_bytes())
            .expect("HMAC takes keys of any length");
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn session_token(state: &AppState, caller: &Caller) -> String {
    sign(state, "csrf-session", &caller.token_id.to_string())
}

fn anon_value(req: &HttpRequest) -> Option<String> {
    req.cookie(ANON_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The token for this page's forms, and a new anonymous cookie value to set if needed.
pub fn token_for(
    state: &AppState,
    req: &HttpRequest,
    caller: Option<&Caller>,
) -> (String, Option<String>) {
    if let Some(caller) = caller {
        return (session_token(state, caller), None);
    }
    match anon_value(req) {
        Some(value) => (sign(state, "csrf-anon", &value), None),
        None => {
            let value = random_key();
            (sign(state, "csrf-anon", &value), Some(value))
        }
    }
}

/// Is `sent` the token of this session, or of this browser's anonymous cookie?
pub fn verify(state: &AppState, req: &HttpRequest, caller: Option<&Caller>, sent: &str) -> bool {
    if sent.is_empty() {
        return false;
    }
    let mut expected = Vec::new();
    if let Some(caller) = caller {
        expected.push(session_token(state, caller));
    }
    if let Some(value) = anon_value(req) {
        expected.push(sign(state, "csrf-anon", &value));
    }
    expected
        .iter()
        .any(|token| constant_time_eq(token.as_bytes(), sent.as_bytes()))
}

/// 128 random bits in hex.
pub fn random_key() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn anon_cookie(state: &AppState, value: String) -> Cookie<'static> {
    super::base_cookie(state, ANON_COOKIE, value)
}
