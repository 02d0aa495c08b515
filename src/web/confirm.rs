//! Two things every action of the pages needs: a confirmation step before what cannot be
//! undone, and a message after the redirect that says what was done.
//!
//! - **Confirmation without JavaScript.** A form whose action is irreversible (reversing a
//!   transaction, completing or cancelling an exchange, withdrawing a listing) posts as
//!   usual; without `confirm=yes` the handler answers [`ConfirmPage`], which re-posts the
//!   same fields with `confirm=yes`, or goes back. A browser without scripts sees the same
//!   two steps.
//! - **Flash messages.** A handler that redirects after an action sets a short-lived cookie
//!   with the key of the message to show ([`redirect_with`]); the next page shows it once
//!   and clears it. The cookie, not a node's memory, carries it, so any node can show it.

use actix_web::cookie::time::Duration;
use actix_web::cookie::Cookie;
use actix_web::HttpRequest;
use actix_web::HttpResponse;
use askama::Template;

use super::{base_cookie, see_other, Ctx, Web};
use crate::error::AppResult;
use crate::i18n::Words;
use crate::state::AppState;

const FLASH_COOKIE: &str = "ptce_flash";

/// Was the confirmation step passed (`confirm=yes` among the posted fields)?
pub fn confirmed(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, v)| k == "confirm" && v == "yes")
}

/// The confirmation step of an irreversible action.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub ctx: Ctx,
    pub title: String,
    pub message: String,
    /// Where the confirmed form posts (the same action).
    pub action: String,
    /// The fields as first posted, but the CSRF token (the page adds its own).
    pub fields: Vec<(String, String)>,
    /// What the button does, in words ("Annuler cette transaction").
    pub confirm_label: String,
    /// Where "go back" leads.
    pub back: String,
}

impl ConfirmPage {
    /// The confirmation of the action posted to `action`, with the words of
    /// `confirm-<what>-title`, `-text` and `-button`.
    pub fn answer(
        web: &Web,
        what: &str,
        action: String,
        pairs: &[(String, String)],
        back: String,
    ) -> AppResult<HttpResponse> {
        let ctx = web.ctx.clone();
        let page = ConfirmPage {
            title: ctx.t(&format!("confirm-{what}-title")),
            message: ctx.t(&format!("confirm-{what}-text")),
            confirm_label: ctx.t(&format!("confirm-{what}-button")),
            fields: pairs
                .iter()
                .filter(|(k, _)| k != "csrf" && k != "confirm")
                .cloned()
                .collect(),
            ctx,
            action,
            back,
        };
        web.page(&page)
    }
}

/// A redirect after an action, with the message `flash-<key>` shown on the next page.
pub fn redirect_with(state: &AppState, location: &str, key: &str) -> HttpResponse {
    let mut response = see_other(location);
    let mut cookie = base_cookie(state, FLASH_COOKIE, key.to_string());
    cookie.set_max_age(Duration::seconds(60));
    let _ = response.add_cookie(&cookie);
    response
}

/// The message a redirect left for this page, in the reader's language; only keys of
/// `flash-…` messages that exist are shown (the cookie is the browser's to change).
pub fn flash_of(req: &HttpRequest, words: Words) -> Option<String> {
    let key = req.cookie(FLASH_COOKIE)?.value().to_string();
    let valid = !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
    let key = format!("flash-{key}");
    (valid && words.knows(&key)).then(|| words.t(&key))
}

/// The cookie that removes the message once shown.
pub fn clear_flash(state: &AppState) -> Cookie<'static> {
    let mut cookie = base_cookie(state, FLASH_COOKIE, String::new());
    cookie.make_removal();
    cookie
}
