//! The directory of pôles and a pôle's page: description, member enterprises, open
//! listings and key figures.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{Ctx, Web};
use crate::domain::listing::Kind;
use crate::error::AppResult;
use crate::ops::poles;
use crate::ops::search::{self, SearchQuery};
use crate::views::listings::ListingView;
use crate::views::poles::PoleView;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/poles", web::get().to(directory))
        .route("/poles/{slug}", web::get().to(show));
}

#[derive(Template)]
#[template(path = "poles.html")]
struct DirectoryPage {
    ctx: Ctx,
    poles: Vec<PoleView>,
}

async fn directory(web: Web) -> AppResult<HttpResponse> {
    let list = web.run(|conn, _| poles::list(conn)).await?;
    web.page(&DirectoryPage {
        ctx: web.ctx.clone(),
        poles: list.items,
    })
}

#[derive(Template)]
#[template(path = "pole.html")]
struct PolePage {
    ctx: Ctx,
    pole: PoleView,
    listings: Vec<ListingView>,
    more_listings: bool,
    offers: usize,
    needs: usize,
}

async fn show(web: Web, slug: web::Path<String>) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let caller = web.caller.clone();
    let (pole, page) = web
        .run(move |conn, _| {
            let pole = poles::show(conn, caller.as_ref(), &slug)?;
            let query = SearchQuery {
                pole: Some(slug),
                limit: Some("100".into()),
                ..SearchQuery::default()
            };
            Ok((pole, search::search(conn, caller.as_ref(), query)?))
        })
        .await?;
    let offers = page.items.iter().filter(|l| l.kind == Kind::Offer).count();
    let needs = page.items.len() - offers;
    web.page(&PolePage {
        ctx: web.ctx.clone(),
        pole,
        more_listings: page.next_cursor.is_some(),
        listings: page.items,
        offers,
        needs,
    })
}
