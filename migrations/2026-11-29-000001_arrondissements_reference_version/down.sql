DROP TABLE reference_imports;
DELETE FROM communes WHERE kind = 'arrondissement';
ALTER TABLE communes
    DROP CONSTRAINT communes_arrondissement_has_parent,
    DROP COLUMN parent_code,
    DROP COLUMN kind;
