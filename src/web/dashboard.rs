//! My dashboard: my enterprises and their pôle memberships, my listings, the matches to
//! answer, my exchanges, my notification choices.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::enterprise_form::all_poles;
use super::{Ctx, Web};
use crate::domain::matching::MatchStatus;
use crate::error::AppResult;
use crate::ops::{alerts, enterprises, exchanges, listings, matches};
use crate::views::enterprises::EnterpriseView;
use crate::views::exchanges::ExchangeView;
use crate::views::listings::ListingView;
use crate::views::matches::MatchView;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(dashboard))
        .configure(super::enterprise_form::routes);
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    enterprises: Vec<EnterpriseView>,
    /// Every pôle: (slug, name).
    poles: Vec<(String, String)>,
    listings: Vec<ListingView>,
    matches: Vec<MatchView>,
    exchanges: Vec<ExchangeView>,
    /// (family, choice) of my notification preferences, in the page's language.
    notifications: Vec<(String, String)>,
    alert_count: usize,
}

impl DashboardPage {
    /// The pôles an enterprise has not joined nor asked to join.
    fn joinable(&self, e: &EnterpriseView) -> Vec<&(String, String)> {
        self.poles
            .iter()
            .filter(|(slug, _)| !e.memberships.iter().any(|m| &m.pole == slug))
            .collect()
    }

    /// The listing of mine in a match: the side that is not the counterpart.
    fn my_listing(&self, m: &MatchView) -> i64 {
        match &m.counterpart {
            Some(c) if c.id == m.offer_id => m.need_id.0,
            _ => m.offer_id.0,
        }
    }

    fn my_side(&self, m: &MatchView) -> &'static str {
        match &m.counterpart {
            Some(c) if c.id == m.offer_id => "need",
            Some(_) => "offer",
            None => "",
        }
    }
}

/// What the dashboard shows, read in one trip to the blocking pool.
struct Mine {
    enterprises: Vec<EnterpriseView>,
    listings: Vec<ListingView>,
    matches: Vec<MatchView>,
    exchanges: Vec<ExchangeView>,
    alert_count: usize,
}

async fn dashboard(web: Web) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let notifications = super::notifications::summary(&web.ctx, &caller.account.preferences());
    let mine = web
        .run(move |conn, _| {
            let proposed = Some(MatchStatus::Proposed.as_str());
            Ok(Mine {
                enterprises: enterprises::mine(conn, &caller)?.items,
                listings: listings::mine(conn, &caller)?,
                matches: matches::mine(conn, &caller, proposed, 50)?.items,
                exchanges: exchanges::list(conn, &caller, None)?.items,
                alert_count: alerts::list(conn, &caller)?.items.len(),
            })
        })
        .await?;
    let poles = all_poles(&web).await?;
    web.page(&DashboardPage {
        ctx: web.ctx.clone(),
        enterprises: mine.enterprises,
        poles,
        listings: mine.listings,
        matches: mine.matches,
        exchanges: mine.exchanges,
        notifications,
        alert_count: mine.alert_count,
    })
}
