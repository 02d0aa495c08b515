//! Synthetic market data for benchmarks: realistic listings spread over real communes and
//! NAF subclasses, generated inside PostgreSQL in large batches.

use std::time::Instant;

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use crate::domain::siret::siret_for;

/// The synthetic pôle that owns every generated enterprise.
pub const BENCH_POLE: &str = "bench-pole";
const BATCH: i64 = 100_000;

#[derive(QueryableByName)]
struct IndexDefinition {
    #[diesel(sql_type = diesel::sql_types::Text)]
    indexname: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    indexdef: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Makes sure `enterprises` approved enterprises exist in the bench pôle, each with an
/// account, and returns how many listings exist.
fn prepare(conn: &mut PgConnection, enterprises: i64) -> anyhow::Result<()> {
    diesel::sql_query(
        "INSERT INTO poles (slug, name, description, commune_code)
         VALUES ('bench-pole', 'Pôle de mesure', 'Données synthétiques pour les mesures de performance', '26281')
         ON CONFLICT (slug) DO NOTHING",
    )
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO accounts (email, password_hash, display_name)
         VALUES ('bench@ptce.invalid', 'no-login', 'Compte de mesure')
         ON CONFLICT (email) DO NOTHING",
    )
    .execute(conn)?;
    let existing: Count = diesel::sql_query(
        "SELECT count(*) AS count FROM memberships m JOIN poles p ON p.id = m.pole_id WHERE p.slug = 'bench-pole'",
    )
    .get_result(conn)?;
    for n in existing.count..enterprises {
        let siret = siret_for(70_000_000 + n as u32, 1);
        diesel::sql_query(
            "WITH e AS (
                 INSERT INTO enterprises (siret, name, legal_form, ess, naf_code, commune_code, headcount)
                 SELECT $1, 'Entreprise de mesure ' || $2, 'scop', true, '16.10A', '26281', 10
                 RETURNING id)
             , a AS (INSERT INTO enterprise_accounts (enterprise_id, account_id)
                 SELECT e.id, (SELECT id FROM accounts WHERE email = 'bench@ptce.invalid') FROM e)
             INSERT INTO memberships (pole_id, enterprise_id, status, approved_at)
             SELECT (SELECT id FROM poles WHERE slug = 'bench-pole'), e.id, 'approved', now() FROM e",
        )
        .bind::<diesel::sql_types::Text, _>(siret)
        .bind::<BigInt, _>(n)
        .execute(conn)?;
    }
    Ok(())
}

/// Adds open listings until `target` exist; prints progress. Returns how many were added.
pub fn generate_listings(database_url: &str, target: i64, enterprises: i64) -> anyhow::Result<i64> {
    let conn = &mut crate::db::connect(database_url)?;
    prepare(conn, enterprises).context("preparing the synthetic pôle")?;
    let existing: Count =
        diesel::sql_query("SELECT count(*) AS count FROM listings").get_result(conn)?;
    if existing.count >= target {
        return Ok(0);
    }
    diesel::sql_query("SET synchronous_commit = off").execute(conn)?;
    diesel::sql_query(
        "CREATE TEMP TABLE IF NOT EXISTS gen_communes AS
         SELECT row_number() OVER (ORDER BY code)::int AS n, code, departement_code, region_code, lat, lon, name
         FROM communes WHERE located = 'place'",
    )
    .execute(conn)?;
    diesel::sql_query(
        "CREATE TEMP TABLE IF NOT EXISTS gen_naf AS
         SELECT row_number() OVER (ORDER BY code)::int AS n, code, label FROM naf_codes WHERE level = 'subclass'",
    )
    .execute(conn)?;
    diesel::sql_query(
        "CREATE TEMP TABLE IF NOT EXISTS gen_enterprises AS
         SELECT row_number() OVER (ORDER BY m.enterprise_id)::int AS n, m.enterprise_id AS id
         FROM memberships m JOIN poles p ON p.id = m.pole_id WHERE p.slug = 'bench-pole'",
    )
    .execute(conn)?;
    // A large load goes faster into a bare table: the secondary indexes are dropped and
    // rebuilt afterwards from their own definitions (read back from pg_indexes).
    let rebuild = target - existing.count >= BATCH;
    let definitions: Vec<IndexDefinition> = if rebuild {
        diesel::sql_query(
            "SELECT indexname, indexdef FROM pg_indexes
             WHERE schemaname = 'public' AND tablename = 'listings' AND indexname <> 'listings_pkey'
             ORDER BY indexdef LIKE '%USING gist%' DESC, indexname",
        )
        .load(conn)?
    } else {
        Vec::new()
    };
    for index in &definitions {
        diesel::sql_query(format!("DROP INDEX {}", index.indexname)).execute(conn)?;
    }
    let mut added = 0;
    let started = Instant::now();
    while existing.count + added < target {
        let batch = BATCH.min(target - existing.count - added);
        diesel::sql_query(
            "INSERT INTO listings (enterprise_id, kind, category, title, description, naf_code, naf_division,
                 commune_code, departement_code, region_code, lat, lon, radius_km, national,
                 quantity, unit, unit_price, valid_until, details, status, created_by, listed_at, period)
             SELECT e.id,
                 CASE WHEN r.k < 0.5 THEN 'offer' ELSE 'need' END,
                 (ARRAY['local_resource', 'know_how', 'business_takeover', 'relocated_production'])[r.cat],
                 (CASE WHEN r.k < 0.5 THEN 'Propose : ' ELSE 'Recherche : ' END) || left(n.label, 100),
                 left(n.label || '. Disponible autour de ' || c.name || ', en circuit court, dans le cadre du pôle.', 5000),
                 n.code, left(n.code, 2), c.code, c.departement_code, c.region_code, c.lat, c.lon,
                 CASE WHEN r.nat < 0.02 THEN NULL ELSE (ARRAY[10, 20, 30, 50, 80, 100, 150])[r.rad] END,
                 r.nat < 0.02,
                 CASE WHEN r.cat IN (1, 4) THEN round((1 + r.q * 999)::numeric, 2) END,
                 CASE WHEN r.cat IN (1, 4) THEN (ARRAY['kg', 't', 'l', 'unit'])[r.u] END,
                 CASE WHEN r.cat IN (1, 4) THEN round((r.p * 50)::numeric, 2) END,
                 current_date + (30 + r.d * 300)::int,
                 CASE r.cat
                     WHEN 1 THEN jsonb_strip_nulls(jsonb_build_object(
                         'resource_type', (ARRAY['materials', 'by_product'])[1 + (g % 2)],
                         'recurrence', 'recurring',
                         'material', (ARRAY['wood', 'metal', 'plastic', 'paper_cardboard', 'textile',
                             'glass', 'organic_food', 'organic_green', 'oil_fat', 'construction_minerals',
                             'chemicals', 'electronic', 'other'])[r.m],
                         'ewc_code', CASE WHEN r.e < 0.5 THEN (ARRAY['03 01 05', '02 07 04', '04 02 22',
                             '15 01 01', '15 01 02', '17 01 01', '20 01 25', '16 02 14', '20 02 01',
                             '02 03 04'])[1 + floor(r.e * 20)::int] END))
                     WHEN 2 THEN '{\"format\": \"training\", \"hours\": 35}'::jsonb
                     WHEN 3 THEN '{\"revenue_band\": \"100k_500k\", \"headcount_band\": \"1_9\"}'::jsonb
                     ELSE '{\"lead_time_days\": 20}'::jsonb END,
                 'open',
                 (SELECT id FROM accounts WHERE email = 'bench@ptce.invalid'),
                 now() - (r.age * interval '200 days'),
                 CASE WHEN r.cat = 1 AND r.e < 0.6 THEN (ARRAY['week', 'month', 'year'])[1 + (g % 3)] END
             FROM (
                 SELECT g,
                     random() AS k, 1 + floor(random() * 4)::int AS cat, random() AS nat,
                     1 + floor(random() * 7)::int AS rad, random() AS q, 1 + floor(random() * 4)::int AS u,
                     random() AS p, random() AS d, random() AS age,
                     1 + floor(random() * 13)::int AS m, random() AS e,
                     1 + floor(random() * (SELECT count(*) FROM gen_communes))::int AS ci,
                     1 + floor(random() * (SELECT count(*) FROM gen_naf))::int AS ni,
                     1 + floor(random() * (SELECT count(*) FROM gen_enterprises))::int AS ei
                 FROM generate_series(1, $1) g
             ) r
             JOIN gen_communes c ON c.n = r.ci
             JOIN gen_naf n ON n.n = r.ni
             JOIN gen_enterprises e ON e.n = r.ei",
        )
        .bind::<Integer, _>(batch as i32)
        .execute(conn)?;
        added += batch;
        println!(
            "  {} listings added ({} s)",
            added,
            started.elapsed().as_secs()
        );
    }
    if !definitions.is_empty() {
        // Two connections build the indexes side by side (the GiST ones take longest).
        let (first, second): (Vec<_>, Vec<_>) = definitions
            .into_iter()
            .enumerate()
            .partition(|(n, _)| n % 2 == 0);
        let build = |indexes: Vec<(usize, IndexDefinition)>| -> anyhow::Result<()> {
            let mut conn = crate::db::connect(database_url)?;
            diesel::sql_query("SET maintenance_work_mem = '512MB'").execute(&mut conn)?;
            for (_, index) in indexes {
                diesel::sql_query(&index.indexdef).execute(&mut conn)?;
                println!(
                    "  index {} rebuilt ({} s)",
                    index.indexname,
                    started.elapsed().as_secs()
                );
            }
            Ok(())
        };
        std::thread::scope(|scope| -> anyhow::Result<()> {
            let other = scope.spawn(|| build(second));
            build(first)?;
            other
                .join()
                .map_err(|_| anyhow::anyhow!("index build panicked"))?
        })?;
    }
    // Fresh statistics for every table the generator touched: stale ones (memberships
    // counted as empty) lead the planner to nested loops over the whole market.
    diesel::sql_query("ANALYZE").execute(conn)?;
    Ok(added)
}

/// Adds saved-search alerts until `target` exist, owned by `accounts` synthetic accounts.
/// Their criteria mix like real ones: 95 % name a sector (a division down to a subclass),
/// 90 % a place (10 to 100 km), 60 % a kind, 50 % a category, 30 % a word; an alert open on
/// both sector and place always has a word (nobody asks for every listing in France); 70 %
/// are instant, 30 % daily.
pub fn generate_alerts(database_url: &str, target: i64, accounts: i64) -> anyhow::Result<i64> {
    let conn = &mut crate::db::connect(database_url)?;
    let existing: Count =
        diesel::sql_query("SELECT count(*) AS count FROM alerts").get_result(conn)?;
    if existing.count >= target {
        return Ok(0);
    }
    diesel::sql_query("SET synchronous_commit = off").execute(conn)?;
    diesel::sql_query(
        "INSERT INTO accounts (email, password_hash, display_name)
         SELECT 'veille-' || g || '@ptce.invalid', 'no-login', 'Veille ' || g
         FROM generate_series(1, $1) g
         ON CONFLICT (email) DO NOTHING",
    )
    .bind::<BigInt, _>(accounts)
    .execute(conn)?;
    diesel::sql_query(
        "CREATE TEMP TABLE IF NOT EXISTS gen_watchers AS
         SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM accounts WHERE email LIKE 'veille-%@ptce.invalid'",
    )
    .execute(conn)?;
    diesel::sql_query(
        "CREATE TEMP TABLE IF NOT EXISTS gen_places AS
         SELECT row_number() OVER (ORDER BY code)::int AS n, code, lat, lon FROM communes WHERE located = 'place'",
    )
    .execute(conn)?;
    diesel::sql_query(
        "CREATE TEMP TABLE IF NOT EXISTS gen_sectors AS
         SELECT row_number() OVER (ORDER BY code)::int AS n, code FROM naf_codes WHERE level IN ('division', 'group', 'class', 'subclass')",
    )
    .execute(conn)?;
    let mut added = 0;
    let started = Instant::now();
    while existing.count + added < target {
        let batch = BATCH.min(target - existing.count - added);
        diesel::sql_query(
            "INSERT INTO alerts (account_id, kind, category, naf_prefix, commune_code, radius_km, lat, lon, area, keywords, query, frequency)
             SELECT w.id,
                 CASE WHEN r.k < 0.4 THEN '' WHEN r.k < 0.7 THEN 'offer' ELSE 'need' END,
                 CASE WHEN r.c < 0.5 THEN '' ELSE (ARRAY['local_resource', 'know_how', 'business_takeover', 'relocated_production'])[r.ci] END,
                 CASE WHEN r.s < 0.05 THEN '' ELSE s.code END,
                 CASE WHEN r.p < 0.1 THEN NULL ELSE p.code END,
                 CASE WHEN r.p < 0.1 THEN NULL ELSE r.radius END,
                 CASE WHEN r.p < 0.1 THEN NULL ELSE p.lat END,
                 CASE WHEN r.p < 0.1 THEN NULL ELSE p.lon END,
                 CASE WHEN r.p < 0.1 THEN NULL ELSE earth_box(ll_to_earth(p.lat, p.lon), r.radius * 1000.0) END,
                 CASE WHEN r.w < 0.7 AND NOT r.broad THEN '' ELSE r.word END,
                 CASE WHEN r.w < 0.7 AND NOT r.broad THEN NULL ELSE websearch_to_tsquery('french_unaccent', r.word) END,
                 CASE WHEN r.f < 0.7 THEN 'instant' ELSE 'daily' END
             FROM (
                 SELECT *, s < 0.05 AND p < 0.1 AS broad FROM (
                 SELECT g, random() AS k, random() AS c, 1 + floor(random() * 4)::int AS ci,
                     random() AS s, random() AS p, random() AS w, random() AS f,
                     (ARRAY[10, 20, 30, 50, 100])[1 + floor(random() * 5)::int] AS radius,
                     (ARRAY['bois', 'métal', 'textile', 'formation', 'réparation', 'légumes', 'verre', 'palettes'])[1 + floor(random() * 8)::int] AS word,
                     1 + floor(random() * (SELECT count(*) FROM gen_watchers))::int AS wi,
                     1 + floor(random() * (SELECT count(*) FROM gen_places))::int AS pi,
                     1 + floor(random() * (SELECT count(*) FROM gen_sectors))::int AS si
                 FROM generate_series(1, $1) g) raw
             ) r
             JOIN gen_watchers w ON w.n = r.wi
             JOIN gen_places p ON p.n = r.pi
             JOIN gen_sectors s ON s.n = r.si",
        )
        .bind::<Integer, _>(batch as i32)
        .execute(conn)?;
        added += batch;
        println!(
            "  {} alerts added ({} s)",
            added,
            started.elapsed().as_secs()
        );
    }
    diesel::sql_query("ANALYZE alerts").execute(conn)?;
    diesel::sql_query("ANALYZE accounts").execute(conn)?;
    Ok(added)
}
