//! Abuse limits kept in PostgreSQL, so every app node counts against the same numbers.
//!
//! The generic cell rate algorithm (GCRA, the leaky bucket as a virtual scheduler, as in
//! ATM's ITU-T I.371 and in the `governor` crate): `count` requests may come at once, then
//! one more every `window / count`. Each key keeps one timestamp, its *theoretical arrival
//! time*; one statement checks and updates it under the row's lock, so concurrent requests
//! on several nodes are counted exactly.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bytea, Nullable, Timestamptz};
use sha2::{Digest, Sha256};

#[derive(QueryableByName)]
struct Arrival {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    tat: Option<chrono::DateTime<chrono::Utc>>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    allowed: bool,
    #[diesel(sql_type = BigInt)]
    retry_after_ms: i64,
}

/// Counts one request against `name` (a limit and what it counts: `login:account:…`),
/// allowing `count` within `window_secs`. `Ok(None)` when allowed, `Ok(Some(seconds))` to
/// wait otherwise.
pub fn hit(
    conn: &mut PgConnection,
    name: &str,
    count: u32,
    window_secs: u64,
) -> QueryResult<Option<u64>> {
    let key = Sha256::digest(name.as_bytes()).to_vec();
    let window_ms = i64::try_from(window_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let interval_ms = (window_ms / i64::from(count.max(1))).max(1);
    // The row is written only when the request is allowed; `allowed` and the wait come
    // from the row as it stands (locked by the upsert's conflict check).
    let found: Arrival = diesel::sql_query(
        "WITH now AS (SELECT clock_timestamp() AS at),
         attempt AS (
             INSERT INTO rate_limits AS r (key, tat)
             SELECT $1, now.at + make_interval(secs => $2::double precision / 1000) FROM now
             ON CONFLICT (key) DO UPDATE
                 SET tat = greatest(r.tat, (SELECT at FROM now)) + make_interval(secs => $2::double precision / 1000)
                 WHERE greatest(r.tat, (SELECT at FROM now)) + make_interval(secs => $2::double precision / 1000)
                       <= (SELECT at FROM now) + make_interval(secs => $3::double precision / 1000)
             RETURNING r.tat
         )
         SELECT (SELECT tat FROM attempt) AS tat,
                EXISTS (SELECT 1 FROM attempt) AS allowed,
                coalesce((
                    SELECT ceil(extract(epoch FROM (r.tat + make_interval(secs => $2::double precision / 1000)
                                - make_interval(secs => $3::double precision / 1000) - (SELECT at FROM now))) * 1000)::bigint
                    FROM rate_limits r WHERE r.key = $1
                ), 0) AS retry_after_ms",
    )
    .bind::<Bytea, _>(&key)
    .bind::<BigInt, _>(interval_ms)
    .bind::<BigInt, _>(window_ms)
    .get_result(conn)?;
    let _ = found.tat;
    if found.allowed {
        Ok(None)
    } else {
        let ms = found.retry_after_ms.max(1000);
        Ok(Some(u64::try_from((ms + 999) / 1000).unwrap_or(1)))
    }
}

/// Forgets keys whose every request has been paid back (run by the worker's upkeep).
pub fn purge(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::sql_query("DELETE FROM rate_limits WHERE tat < now()").execute(conn)
}
