-- Inter-pôle flows. $1 from, $2 to (dates, inclusive, optional), $3 category (optional),
-- $4 pôle ids a coordinator may see (NULL: all).
WITH scoped AS (
    SELECT e.*
    FROM exchanges e
    WHERE ($3::text IS NULL OR e.category = $3)
      AND ($4::bigint[] IS NULL OR e.provider_pole_id = ANY($4) OR e.beneficiary_pole_id = ANY($4))
),
-- Without dates, every exchange counts; with dates, an exchange counts when money moved
-- on it within them, so that counts and amounts of a cell speak of the same days.
counted AS (
    SELECT provider_pole_id, beneficiary_pole_id, count(*) AS exchanges
    FROM scoped s
    WHERE ($1::date IS NULL AND $2::date IS NULL)
       OR EXISTS (
           SELECT 1 FROM transactions t
           WHERE t.exchange_id = s.id
             AND ($1::date IS NULL OR t.occurred_on >= $1) AND ($2::date IS NULL OR t.occurred_on <= $2)
       )
    GROUP BY 1, 2
),
summed AS (
    SELECT s.provider_pole_id, s.beneficiary_pole_id, sum(t.amount) AS amount
    FROM scoped s JOIN transactions t ON t.exchange_id = s.id
    WHERE ($1::date IS NULL OR t.occurred_on >= $1) AND ($2::date IS NULL OR t.occurred_on <= $2)
    GROUP BY 1, 2
)
SELECT pp.slug AS provider_pole, bp.slug AS beneficiary_pole,
       coalesce(c.exchanges, 0) AS exchanges, coalesce(m.amount, 0)::numeric(20, 2) AS amount
FROM counted c
-- Equality on coalesced keys (an exchange may lack a pôle): FULL JOIN needs a plain
-- equality to hash or merge.
FULL JOIN summed m ON coalesce(m.provider_pole_id, 0) = coalesce(c.provider_pole_id, 0)
                  AND coalesce(m.beneficiary_pole_id, 0) = coalesce(c.beneficiary_pole_id, 0)
LEFT JOIN poles pp ON pp.id = coalesce(c.provider_pole_id, m.provider_pole_id)
LEFT JOIN poles bp ON bp.id = coalesce(c.beneficiary_pole_id, m.beneficiary_pole_id)
ORDER BY amount DESC, provider_pole, beneficiary_pole
