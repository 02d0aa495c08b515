-- Every transaction with its context, for the CSV export. Same parameters as flows.sql.
SELECT t.id, t.exchange_id, t.occurred_on,
       pp.slug AS provider_pole, bp.slug AS beneficiary_pole,
       pe.name AS provider, be.name AS beneficiary, e.category, t.description,
       t.amount, t.vat_rate, t.vat_amount, t.amount_incl_tax, t.reverses_id,
       a.display_name AS recorded_by
FROM transactions t
JOIN exchanges e ON e.id = t.exchange_id
JOIN enterprises pe ON pe.id = e.provider_enterprise_id
JOIN enterprises be ON be.id = e.beneficiary_enterprise_id
JOIN accounts a ON a.id = t.recorded_by
LEFT JOIN poles pp ON pp.id = t.provider_pole_id
LEFT JOIN poles bp ON bp.id = t.beneficiary_pole_id
WHERE ($1::date IS NULL OR t.occurred_on >= $1) AND ($2::date IS NULL OR t.occurred_on <= $2)
  AND ($3::text IS NULL OR e.category = $3)
  AND ($4::bigint[] IS NULL OR t.provider_pole_id = ANY($4) OR t.beneficiary_pole_id = ANY($4))
ORDER BY t.occurred_on, t.id
