-- A pôle's activity. $1 pôle id, $2 from, $3 to, $4 category. Rows: (key, subkey, count, amount).
WITH members AS (
    SELECT enterprise_id FROM memberships WHERE pole_id = $1 AND status = 'approved'
),
own_listings AS (
    SELECT l.* FROM listings l JOIN members m ON m.enterprise_id = l.enterprise_id
    WHERE ($4::text IS NULL OR l.category = $4)
      AND ($2::date IS NULL OR (l.created_at AT TIME ZONE 'Europe/Paris')::date >= $2) AND ($3::date IS NULL OR (l.created_at AT TIME ZONE 'Europe/Paris')::date <= $3)
),
own_exchanges AS (
    SELECT e.* FROM exchanges e
    WHERE (e.provider_pole_id = $1 OR e.beneficiary_pole_id = $1)
      AND ($4::text IS NULL OR e.category = $4)
      AND ($2::date IS NULL OR (e.created_at AT TIME ZONE 'Europe/Paris')::date >= $2) AND ($3::date IS NULL OR (e.created_at AT TIME ZONE 'Europe/Paris')::date <= $3)
),
own_transactions AS (
    SELECT t.* FROM transactions t JOIN exchanges e ON e.id = t.exchange_id
    WHERE (t.provider_pole_id = $1 OR t.beneficiary_pole_id = $1)
      AND ($4::text IS NULL OR e.category = $4)
      AND ($2::date IS NULL OR t.occurred_on >= $2) AND ($3::date IS NULL OR t.occurred_on <= $3)
)
SELECT 'listings' AS key, category || ':' || kind AS subkey, count(*) AS count, 0::numeric AS amount
FROM own_listings GROUP BY category, kind
UNION ALL
SELECT 'matches', m.status, count(DISTINCT m.id), 0
FROM matches m JOIN own_listings l ON l.id IN (m.offer_id, m.need_id)
GROUP BY m.status
UNION ALL
SELECT 'exchanges', status, count(*), coalesce(sum(total_amount), 0) FROM own_exchanges GROUP BY status
UNION ALL
SELECT 'volume', to_char(occurred_on, 'YYYY-MM'), count(*), sum(amount) FROM own_transactions GROUP BY 2
UNION ALL
SELECT 'impact', 'jobs_created', 0, coalesce(sum(jobs_created), 0) FROM own_exchanges
UNION ALL
SELECT 'impact', 'jobs_kept', 0, coalesce(sum(jobs_kept), 0) FROM own_exchanges
UNION ALL
SELECT 'impact', 'tonnes_diverted', 0, coalesce(sum(tonnes_diverted), 0) FROM own_exchanges
UNION ALL
SELECT 'impact', 'km_avoided', 0, coalesce(sum(km_avoided), 0) FROM own_exchanges
ORDER BY 1, 2
