//! The shared know-how library: knowledge, tools and methods drawn from practice,
//! capitalised so other territories can repeat what worked. Anyone reads the `public`
//! resources; members of the network (accounts of enterprises approved in a pôle,
//! coordinators, admins) the `members` ones too, and publish
//! (for a pôle: its members and coordinators); a visit's organisers write its report,
//! which becomes a resource of kind `visit_report`. Know-how listings link the resources
//! they teach from.

use diesel::{Connection, PgConnection};

use super::access::{disclosure_for, managed_by};
use super::Env;
use crate::auth::Caller;
use crate::domain::listing::Category;
use crate::domain::visit::{licence, paris, ResourceKind, ResourceVisibility, Theme};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::ids::{ListingId, PoleId, ResourceId, VisitId};
use crate::models::resource::{self, NewResource, Resource, ResourceFilter};
use crate::models::{attachment, listing, pole, visit};
use crate::views::conversations::AttachmentView;
use crate::views::visits::{ResourceLink, ResourceList, ResourceView};

/// A resource as its author sends it.
#[derive(Debug, Default, Clone)]
pub struct ResourceInput {
    pub title: String,
    pub summary: String,
    pub kind: Option<ResourceKind>,
    pub themes: Vec<Theme>,
    /// NAF code, any level.
    pub naf: Option<String>,
    /// Slug of the pôle it comes from.
    pub pole: Option<String>,
    pub visit_id: Option<VisitId>,
    /// SPDX licence identifier, such as `CC-BY-SA-4.0`.
    pub licence: Option<String>,
    pub visibility: Option<ResourceVisibility>,
    /// http(s) link to the resource elsewhere.
    pub url: Option<String>,
    pub lessons: String,
    pub next_steps: String,
}

/// Does the caller read `members` resources: an account of an enterprise approved in a
/// pôle, a coordinator or an admin (not any signed-in account)?
fn reads_members(conn: &mut PgConnection, caller: Option<&Caller>) -> AppResult<bool> {
    let Some(caller) = caller else {
        return Ok(false);
    };
    if caller.is_admin() || !pole::coordinated_by(conn, caller.id())?.is_empty() {
        return Ok(true);
    }
    for e in crate::models::enterprise::of_account(conn, caller.id())? {
        if visit::is_network_member(conn, e.id)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// May the caller read this resource? (`members` ones: members of the network only.)
pub(super) fn may_read(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    id: ResourceId,
) -> AppResult<bool> {
    let found = resource::find(conn, id)?;
    Ok(found.visibility == ResourceVisibility::Public || reads_members(conn, caller)?)
}

/// Does the caller edit this resource (add files): its author, its pôle's coordinators,
/// admins?
pub fn is_editor(conn: &mut PgConnection, caller: &Caller, id: ResourceId) -> AppResult<bool> {
    let found = resource::find(conn, id)?;
    Ok(found.created_by == caller.id()
        || caller.is_admin()
        || match found.pole_id {
            Some(p) => pole::is_coordinator(conn, p, caller.id())?,
            None => false,
        })
}

/// 404 for who may not read the resource, 403 `not_resource_editor` for the other
/// readers who are not its editors.
pub(super) fn require_editor(
    conn: &mut PgConnection,
    caller: &Caller,
    id: ResourceId,
) -> AppResult<()> {
    if !may_read(conn, Some(caller), id)? {
        return Err(AppError::NotFound);
    }
    if is_editor(conn, caller, id)? {
        Ok(())
    } else {
        Err(AppError::forbidden("not_resource_editor"))
    }
}

fn view(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    found: Resource,
) -> AppResult<ResourceView> {
    let (pole, pole_name) = match found.pole_id {
        Some(id) => {
            let (slug, name) = visit::pole_names(conn, id)?;
            (Some(slug), Some(name))
        }
        None => (None, None),
    };
    let attachments = attachment::of_parent(conn, attachment::Parent::Resource(found.id))?
        .iter()
        .map(AttachmentView::of)
        .collect();
    let mut listing_ids = Vec::new();
    let managed = managed_by(conn, caller)?;
    for id in resource::listings_linking(conn, found.id)? {
        let linked = listing::find(conn, id)?;
        if disclosure_for(conn, caller, &managed, &linked)?.is_some() {
            listing_ids.push(id);
        }
    }
    Ok(ResourceView {
        id: found.id,
        title: found.title,
        summary: found.summary,
        kind: found.kind,
        themes: found
            .themes
            .iter()
            .filter_map(|t| Theme::parse(t))
            .collect(),
        naf: found.naf_code,
        pole,
        pole_name,
        visit_id: found.visit_id,
        lessons: found.lessons,
        next_steps: found.next_steps,
        licence: found.licence,
        visibility: found.visibility,
        url: found.url,
        attachments,
        listing_ids,
        created_at: paris(found.created_at),
    })
}

/// Is the caller a member of the network (an account of an approved enterprise), or a
/// coordinator or admin? With `pole`, of that pôle.
fn may_publish(conn: &mut PgConnection, caller: &Caller, pole: Option<PoleId>) -> AppResult<bool> {
    if caller.is_admin() {
        return Ok(true);
    }
    let coordinated = pole::coordinated_by(conn, caller.id())?;
    let enterprises = crate::models::enterprise::of_account(conn, caller.id())?;
    Ok(match pole {
        Some(p) => {
            if coordinated.contains(&p) {
                return Ok(true);
            }
            let mut member = false;
            for e in &enterprises {
                member |= visit::is_approved_member(conn, p, e.id)?;
            }
            member
        }
        None => {
            if !coordinated.is_empty() {
                return Ok(true);
            }
            let mut member = false;
            for e in &enterprises {
                member |= visit::is_network_member(conn, e.id)?;
            }
            member
        }
    })
}

fn check_url(errors: &mut FieldErrors, url: Option<String>) -> Option<String> {
    let url = url
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())?;
    let ok = url.len() <= 2000
        && url::Url::parse(&url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    if ok {
        Some(url)
    } else {
        errors.add("url", Invalid::new("url_format"));
        None
    }
}

fn text(errors: &mut FieldErrors, field: &str, value: &str, min: usize, max: usize) -> String {
    let value = value.trim().to_string();
    let count = value.chars().count();
    if count == 0 && min > 0 {
        errors.add(field, Invalid::new("required"));
    } else if !(min..=max).contains(&count) {
        errors.add(
            field,
            Invalid::new("length").with("min", min).with("max", max),
        );
    }
    value
}

/// Publishes a resource. 403 `not_network_member` / `not_pole_member`; for a
/// `visit_report`, as [`report`]; 422 `required`, `length`, `licence_unknown` (SPDX),
/// `unknown_naf`, `naf_format`, `unknown_pole`, `unknown_visit`, `url_format`.
pub fn create(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    input: ResourceInput,
) -> AppResult<ResourceView> {
    let mut errors = FieldErrors::new();
    let title = text(&mut errors, "title", &input.title, 3, 200);
    let summary = text(&mut errors, "summary", &input.summary, 1, 5000);
    let lessons = text(&mut errors, "lessons", &input.lessons, 0, 10000);
    let next_steps = text(&mut errors, "next_steps", &input.next_steps, 0, 10000);
    let kind = input.kind;
    if kind.is_none() {
        errors.add("kind", Invalid::new("required"));
    }
    let licence = match input.licence.as_deref() {
        Some(l) => errors.check("licence", licence(l)),
        None => {
            errors.add("licence", Invalid::new("required"));
            None
        }
    };
    let naf = match input
        .naf
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(code) => errors
            .check("naf", super::reference::check_naf(conn, code, true)?)
            .map(|c| c.as_str().to_string()),
        None => None,
    };
    let pole = super::pole_filter(conn, &mut errors, input.pole.as_deref())?;
    let visit_found = match input.visit_id {
        Some(id) => match visit::find(conn, id) {
            Ok(v) => Some(v),
            Err(diesel::result::Error::NotFound) => {
                errors.add("visit_id", Invalid::new("unknown_visit"));
                None
            }
            Err(e) => return Err(e.into()),
        },
        None if kind == Some(ResourceKind::VisitReport) => {
            errors.add("visit_id", Invalid::new("required"));
            None
        }
        None => None,
    };
    let url = check_url(&mut errors, input.url);
    errors.finish()?;
    let (Some(kind), Some(licence)) = (kind, licence) else {
        return Err(AppError::invalid_field("kind", Invalid::new("required")));
    };
    let mut themes: Vec<String> = input
        .themes
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    let mut pole = pole;
    if kind == ResourceKind::VisitReport {
        let Some(found) = &visit_found else {
            return Err(AppError::invalid_field(
                "visit_id",
                Invalid::new("required"),
            ));
        };
        super::visits::reportable(conn, env, caller, found.id)?;
        pole = pole.or(Some(found.pole_id));
        if themes.is_empty() {
            themes.push(found.theme.as_str().to_string());
        }
    } else if !may_publish(conn, caller, pole)? {
        return Err(AppError::forbidden(if pole.is_some() {
            "not_pole_member"
        } else {
            "not_network_member"
        }));
    }
    themes.sort();
    themes.dedup();
    let new = NewResource {
        title,
        summary,
        kind,
        themes,
        naf_code: naf,
        pole_id: pole,
        visit_id: visit_found.map(|v| v.id),
        lessons,
        next_steps,
        licence,
        visibility: input.visibility.unwrap_or(ResourceVisibility::Public),
        url,
        created_by: caller.id(),
        created_at: env.clock.now(),
    };
    let created =
        resource::insert(conn, &new)?.ok_or_else(|| AppError::conflict("report_exists"))?;
    view(conn, Some(caller), created)
}

/// What organisers write after a visit.
#[derive(Debug, Default, Clone)]
pub struct ReportInput {
    pub summary: String,
    pub lessons: String,
    pub next_steps: String,
    /// Defaults to `CC-BY-SA-4.0`.
    pub licence: Option<String>,
    /// Defaults to `public`.
    pub visibility: Option<ResourceVisibility>,
}

/// Writes a visit's record: a resource of kind `visit_report`, titled after the visit,
/// with its theme and pôle, linked to it. 403 `not_visit_organiser`; 409
/// `visit_cancelled`, `visit_not_held_yet` (before it starts), `report_exists`; 422
/// `required` (summary), `length`, `licence_unknown`.
pub fn report(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: VisitId,
    input: ReportInput,
) -> AppResult<ResourceView> {
    let found = super::visits::reportable(conn, env, caller, id)?;
    let (slug, _) = visit::pole_names(conn, found.pole_id)?;
    conn.transaction(|conn| {
        create(
            conn,
            env,
            caller,
            ResourceInput {
                title: format!("Compte rendu — {}", found.title)
                    .chars()
                    .take(200)
                    .collect(),
                summary: input.summary,
                kind: Some(ResourceKind::VisitReport),
                themes: vec![found.theme],
                naf: None,
                pole: Some(slug),
                visit_id: Some(found.id),
                licence: Some(input.licence.unwrap_or_else(|| "CC-BY-SA-4.0".into())),
                visibility: input.visibility,
                url: None,
                lessons: input.lessons,
                next_steps: input.next_steps,
            },
        )
    })
}

/// A resource. 404 when unknown, or `members` and the caller is not signed in.
pub fn show(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    id: ResourceId,
) -> AppResult<ResourceView> {
    if !may_read(conn, caller, id)? {
        return Err(AppError::NotFound);
    }
    let found = resource::find(conn, id)?;
    view(conn, caller, found)
}

/// Query of the library.
#[derive(Debug, Default, Clone)]
pub struct ResourceQuery {
    pub q: Option<String>,
    pub theme: Option<Theme>,
    pub kind: Option<ResourceKind>,
    pub pole: Option<String>,
    pub naf: Option<String>,
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

/// The library, newest first: `members` resources for signed-in callers only. 422
/// `unknown_pole`, `naf_format`, `invalid_cursor`, `range` (limit).
pub fn search(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    query: ResourceQuery,
) -> AppResult<ResourceList> {
    let mut errors = FieldErrors::new();
    let limit = super::page_limit(&mut errors, query.limit);
    let pole = super::pole_filter(conn, &mut errors, query.pole.as_deref())?;
    let naf = match query
        .naf
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(code) => errors
            .check("naf", crate::domain::naf::NafCode::parse(code))
            .map(|c| c.as_str().to_string()),
        None => None,
    };
    let before = super::page_cursor(&mut errors, query.cursor.as_deref());
    errors.finish()?;
    let filter = ResourceFilter {
        q: query.q.filter(|q| !q.trim().is_empty()),
        theme: query.theme.map(|t| t.as_str().to_string()),
        kind: query.kind,
        pole,
        naf,
        members: reads_members(conn, caller)?,
        before,
    };
    let mut found = resource::search(conn, &filter, limit + 1)?;
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            found
                .last()
                .map(|r| super::encode_time_cursor(r.created_at, r.id.0))
        })
        .flatten();
    let mut items = Vec::with_capacity(found.len());
    for r in found {
        items.push(view(conn, caller, r)?);
    }
    Ok(ResourceList { items, next_cursor })
}

/// The resources a listing teaches from, those the caller may read. 404 when the listing
/// is not visible to the caller.
pub fn of_listing(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    id: ListingId,
) -> AppResult<Vec<ResourceLink>> {
    let found = listing::find(conn, id)?;
    let managed = managed_by(conn, caller)?;
    if disclosure_for(conn, caller, &managed, &found)?.is_none() {
        return Err(AppError::NotFound);
    }
    let members = reads_members(conn, caller)?;
    Ok(resource::of_listing(conn, id)?
        .into_iter()
        .filter(|r| r.visibility == ResourceVisibility::Public || members)
        .map(|r| ResourceLink {
            id: r.id,
            title: r.title,
            kind: r.kind,
        })
        .collect())
}

/// Sets the resources a know-how listing teaches from (its managers), at most 20. 404 for
/// who may not see the listing; 403 `not_listing_manager`; 409 `resources_for_know_how`;
/// 422 `unknown_resource` (naming the index at fault), `too_many`.
pub fn link_to_listing(
    conn: &mut PgConnection,
    caller: &Caller,
    id: ListingId,
    ids: &[ResourceId],
) -> AppResult<Vec<ResourceLink>> {
    let found = listing::find(conn, id)?;
    let managed = managed_by(conn, Some(caller))?;
    if !managed.contains(&found.enterprise_id) {
        return if disclosure_for(conn, Some(caller), &managed, &found)?.is_some() {
            Err(AppError::forbidden("not_listing_manager"))
        } else {
            Err(AppError::NotFound)
        };
    }
    if found.category != Category::KnowHow {
        return Err(AppError::conflict("resources_for_know_how"));
    }
    let mut errors = FieldErrors::new();
    if ids.len() > 20 {
        errors.add("resource_ids", Invalid::new("too_many").with("max", 20));
    }
    for (index, rid) in ids.iter().enumerate() {
        let exists = match resource::find(conn, *rid) {
            Ok(_) => true,
            Err(diesel::result::Error::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !exists {
            errors.add(
                &format!("resource_ids[{index}]"),
                Invalid::new("unknown_resource"),
            );
        }
    }
    errors.finish()?;
    conn.transaction(|conn| resource::link_to_listing(conn, id, ids))?;
    of_listing(conn, Some(caller), id)
}
