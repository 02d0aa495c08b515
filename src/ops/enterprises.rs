//! Enterprises and their pôle memberships.

use diesel::{Connection, PgConnection};

use super::Env;
use crate::auth::Caller;
use crate::domain::enterprise::{LegalForm, MembershipStatus};
use crate::domain::pole::Slug;
use crate::domain::siret::Siret;
use crate::domain::Invalid;
use crate::email::events;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::enterprise::{self, Enterprise, EnterpriseChanges, NewEnterprise};
use crate::models::ids::{EnterpriseId, PoleId};
use crate::models::{listing, matching, pole};
use crate::views::enterprises::{EnterpriseList, EnterpriseView, MembershipView};

fn view(conn: &mut PgConnection, found: Enterprise, signed_in: bool) -> AppResult<EnterpriseView> {
    let memberships = enterprise::memberships_of(conn, found.id)?
        .into_iter()
        .map(MembershipView::from)
        .collect();
    Ok(EnterpriseView::new(found, memberships, signed_in))
}

fn check_name(name: &str) -> Result<String, Invalid> {
    let name = name.trim();
    if !(2..=200).contains(&name.chars().count()) {
        return Err(Invalid::new("length").with("min", 2).with("max", 200));
    }
    Ok(name.to_string())
}

fn check_headcount(headcount: i32) -> Result<i32, Invalid> {
    if !(0..=1_000_000).contains(&headcount) {
        return Err(Invalid::new("range").with("min", 0).with("max", 1_000_000));
    }
    Ok(headcount)
}

pub struct NewEnterpriseCommand {
    pub siret: String,
    pub name: String,
    pub legal_form: LegalForm,
    pub ess: bool,
    pub naf: String,
    pub commune: String,
    pub headcount: i32,
    pub poles: Vec<String>,
}

/// Registers an enterprise; the caller becomes one of its accounts, and each pôle asked
/// gets a pending membership (approved at once for its coordinators and admins), whose
/// coordinators are told. 409 `siret_taken`.
pub fn create(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    new: NewEnterpriseCommand,
) -> AppResult<EnterpriseView> {
    let mut errors = FieldErrors::new();
    let siret = errors.check("siret", Siret::parse(&new.siret));
    let name = errors.check("name", check_name(&new.name));
    let naf = errors.check("naf", super::reference::check_naf(conn, &new.naf, false)?);
    let commune = errors.check("commune", super::reference::locate(conn, &new.commune)?);
    errors.check("headcount", check_headcount(new.headcount));
    if new.poles.is_empty() || new.poles.len() > 10 {
        errors.add(
            "poles",
            Invalid::new("length").with("min", 1).with("max", 10),
        );
    }
    let mut slugs = Vec::new();
    for (index, slug) in new.poles.iter().enumerate() {
        if let Some(slug) = errors.check(&format!("poles[{index}]"), Slug::parse(slug)) {
            slugs.push(slug.as_str().to_string());
        }
    }
    let poles_found = pole::find_by_slugs(conn, &slugs)?;
    for (index, slug) in new.poles.iter().enumerate() {
        if slugs.contains(slug) && !poles_found.iter().any(|p| &p.slug == slug) {
            errors.add(
                &format!("poles[{index}]"),
                Invalid::new("unknown_pole").with("slug", slug),
            );
        }
    }
    errors.finish()?;
    let (Some(siret), Some(name), Some(naf), Some(commune)) = (siret, name, naf, commune) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "checked fields missing"
        )));
    };
    let pole_ids: Vec<PoleId> = poles_found.iter().map(|p| p.id).collect();
    // A coordinator (or an admin) registering an enterprise in its own pôle would approve
    // it anyway: the membership starts approved.
    let approved: Vec<PoleId> = if caller.is_admin() {
        pole_ids.clone()
    } else {
        let coordinated = pole::coordinated_by(conn, caller.id())?;
        pole_ids
            .iter()
            .copied()
            .filter(|id| coordinated.contains(id))
            .collect()
    };
    let record = NewEnterprise {
        siret: siret.as_str(),
        name: &name,
        legal_form: new.legal_form,
        ess: new.ess,
        naf_code: naf.as_str(),
        commune_code: commune.code.as_str(),
        headcount: new.headcount,
    };
    conn.transaction(|conn| {
        let found =
            enterprise::create(conn, &record, caller.id(), &pole_ids, &approved).map_err(|e| {
                match AppError::from(e) {
                    AppError::Conflict(_) => AppError::conflict("siret_taken"),
                    other => other,
                }
            })?;
        for requested in poles_found.iter().filter(|p| !approved.contains(&p.id)) {
            events::membership_requested(
                conn,
                &env.links,
                requested.id,
                &requested.slug,
                found.id,
                &found.name,
            )?;
        }
        view(conn, found, true)
    })
}

/// An enterprise. Approved members of a pôle are public (without commune and headcount for
/// anonymous visitors); others are seen only by their own accounts, the coordinators of
/// the pôles they asked to join, and admins — anyone else gets 404, so that an
/// unapproved enterprise's existence stays private.
pub fn show(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    id: EnterpriseId,
) -> AppResult<EnterpriseView> {
    let found = enterprise::find(conn, id)?;
    let found = view(conn, found, caller.is_some())?;
    let public = found
        .memberships
        .iter()
        .any(|m| m.status == MembershipStatus::Approved);
    let allowed = public
        || match caller {
            None => false,
            Some(c) if c.is_admin() => true,
            Some(c) => {
                enterprise::is_member_account(conn, id, c.id())?
                    || enterprise::is_coordinated_by(conn, id, c.id())?
            }
        };
    if allowed {
        Ok(found)
    } else {
        Err(AppError::NotFound)
    }
}

/// The enterprises the caller acts for, with their memberships.
pub fn mine(conn: &mut PgConnection, caller: &Caller) -> AppResult<EnterpriseList> {
    let mut items = Vec::new();
    for found in enterprise::of_account(conn, caller.id())? {
        items.push(view(conn, found, true)?);
    }
    Ok(EnterpriseList { items })
}

#[derive(Debug, Clone, Default)]
pub struct EnterpriseUpdate {
    pub name: Option<String>,
    pub legal_form: Option<LegalForm>,
    pub ess: Option<bool>,
    pub naf: Option<String>,
    pub commune: Option<String>,
    pub headcount: Option<i32>,
}

/// Edits an enterprise (its own accounts only); the SIRET cannot change. The commune code
/// is kept exactly as given.
pub fn update(
    conn: &mut PgConnection,
    caller: &Caller,
    id: EnterpriseId,
    update: EnterpriseUpdate,
) -> AppResult<EnterpriseView> {
    enterprise::find(conn, id)?;
    if !enterprise::is_member_account(conn, id, caller.id())? {
        return Err(AppError::forbidden("not_enterprise_account"));
    }
    let mut errors = FieldErrors::new();
    let name = match &update.name {
        Some(name) => errors.check("name", check_name(name)),
        None => None,
    };
    let naf = match &update.naf {
        Some(code) => errors.check("naf", super::reference::check_naf(conn, code, false)?),
        None => None,
    };
    let commune = match &update.commune {
        Some(code) => errors.check("commune", super::reference::locate(conn, code)?),
        None => None,
    };
    if let Some(headcount) = update.headcount {
        errors.check("headcount", check_headcount(headcount));
    }
    errors.finish()?;
    let changes = EnterpriseChanges {
        name,
        legal_form: update.legal_form,
        ess: update.ess,
        naf_code: naf.map(|n| n.as_str().to_string()),
        commune_code: commune.map(|c| c.code.as_str().to_string()),
        headcount: update.headcount,
    };
    let updated = enterprise::update(conn, id, &changes)?;
    view(conn, updated, true)
}

/// Approves an enterprise's request to join a pôle (that pôle's coordinators, or admins);
/// its open listings become visible and are matched. Approving twice changes nothing.
pub fn approve(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    slug: &str,
    enterprise_id: EnterpriseId,
) -> AppResult<EnterpriseView> {
    let found = pole::find_by_slug(conn, slug)?;
    if !caller.is_admin() && !pole::is_coordinator(conn, found.id, caller.id())? {
        return Err(AppError::forbidden("not_pole_coordinator"));
    }
    conn.transaction(|conn| {
        if !enterprise::approve_membership(conn, found.id, enterprise_id, caller.id())? {
            return Err(AppError::NotFound);
        }
        events::membership_approved(
            conn,
            &env.links,
            &found.slug,
            &found.name,
            found.id,
            enterprise_id,
        )?;
        for open in listing::open_of_enterprise(conn, enterprise_id)? {
            let fresh = matching::refresh(conn, &open)?;
            events::new_matches(conn, &env.links, &fresh)?;
            events::listing_opened(conn, &open)?;
        }
        Ok(())
    })?;
    let approved = enterprise::find(conn, enterprise_id)?;
    view(conn, approved, true)
}

/// Asks for an enterprise the caller acts for to join another pôle: pending until one of
/// its coordinators approves (at once when the caller coordinates it). 409
/// `membership_exists`.
pub fn join(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: EnterpriseId,
    pole_slug: &str,
) -> AppResult<EnterpriseView> {
    let slug = Slug::parse(pole_slug).map_err(|e| AppError::invalid_field("pole", e))?;
    conn.transaction(|conn| {
        let found = enterprise::find(conn, id)?;
        if !caller.is_admin() && !enterprise::is_member_account(conn, id, caller.id())? {
            return Err(AppError::forbidden("not_enterprise_account"));
        }
        let wanted = match pole::find_by_slug(conn, slug.as_str()) {
            Ok(found) => found,
            Err(diesel::result::Error::NotFound) => {
                return Err(AppError::invalid_field(
                    "pole",
                    Invalid::new("unknown_pole").with("slug", slug.as_str()),
                ))
            }
            Err(other) => return Err(other.into()),
        };
        let approver = (caller.is_admin() || pole::is_coordinator(conn, wanted.id, caller.id())?)
            .then_some(caller.id());
        if !enterprise::request_membership(conn, id, wanted.id, approver)? {
            return Err(AppError::conflict("membership_exists"));
        }
        if approver.is_none() {
            events::membership_requested(
                conn,
                &env.links,
                wanted.id,
                &wanted.slug,
                found.id,
                &found.name,
            )?;
        }
        view(conn, found, true)
    })
}
