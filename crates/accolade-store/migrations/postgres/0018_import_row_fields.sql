-- Values of an achievement's custom fields read from a bulk-issue row (a JSON object, field
-- key to value), issued with the row's award; NULL when the row gives none.
ALTER TABLE import_rows ADD COLUMN field_values TEXT;
