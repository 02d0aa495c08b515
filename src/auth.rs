//! Who is calling. API callers authenticate with a bearer token (`Caller`, or
//! `MaybeCaller` where anonymous visitors are welcome); pages carry the same token in a
//! signed session cookie (`web::session`). `ClientAddress` is where a request comes from,
//! for abuse limits. Extracting them from a request is in `state` (it needs the pool).

use std::net::IpAddr;

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::domain::account::{Locale, Role};
use crate::error::{AppError, AppResult};
use crate::models::account::Account;
use crate::models::ids::AccountId;

/// The authenticated caller: its account and the token it used. Extracting it answers 401
/// without a valid bearer token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Account,
    pub token_id: i64,
}

impl Caller {
    pub fn id(&self) -> AccountId {
        self.account.id
    }

    pub fn role(&self) -> Role {
        self.account.role
    }

    pub fn locale(&self) -> Locale {
        self.account.locale
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Role::Admin
    }

    pub fn require_admin(&self) -> AppResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::forbidden("admin_only"))
        }
    }
}

/// The caller when a token is given; `None` for anonymous visitors. A token that is given
/// but invalid is still refused with 401, so a client never silently loses its identity.
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Caller>);

impl MaybeCaller {
    pub fn as_ref(&self) -> Option<&Caller> {
        self.0.as_ref()
    }
}

/// The token of an `Authorization: Bearer …` header; 401 when the header is malformed.
pub fn bearer_token(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AppError::Unauthorized)?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(AppError::Unauthorized),
    }
}

/// The client's address: the connection's peer, or, when the peer is one of
/// `server.trusted_proxies`, the last address its `X-Forwarded-For` adds. A client behind
/// an untrusted hop cannot choose the address its limits count against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    pub fn of(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> ClientAddress {
        let peer = req
            .peer_addr()
            .map(|a| a.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        if !trusted_proxies.contains(&peer) {
            return ClientAddress(peer);
        }
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|part| part.trim().parse::<IpAddr>().ok())
            .last();
        ClientAddress(forwarded.unwrap_or(peer))
    }

    /// The key its limits count against: the address, or its /64 network for IPv6, since
    /// one client holds a whole /64.
    pub fn limit_key(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
    }
}
