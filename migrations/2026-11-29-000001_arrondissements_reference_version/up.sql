-- Arrondissements municipaux of Paris, Lyon and Marseille (INSEE codes 751xx, 6938x,
-- 132xx): the company register (SIRENE) locates establishments there. They live beside
-- the communes, with their own name and coordinates, attached to their commune.
ALTER TABLE communes
    ADD COLUMN kind TEXT NOT NULL DEFAULT 'commune'
        CHECK (kind IN ('commune', 'arrondissement')),
    ADD COLUMN parent_code TEXT REFERENCES communes (code),
    ADD CONSTRAINT communes_arrondissement_has_parent
        CHECK ((kind = 'arrondissement') = (parent_code IS NOT NULL));

-- Which version of data/reference was imported last: `serve` imports again when the files
-- change (new search keys, new rows), not only when the tables are empty.
CREATE TABLE reference_imports (
    id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    files_sha256 TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
