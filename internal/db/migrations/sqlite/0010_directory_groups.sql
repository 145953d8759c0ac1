-- The corporate group an organisation belongs to (e.g. "Groupe Sanofi"),
-- '' when independent. Calls for projects treat an expert and an applicant
-- whose organisations share a group as in conflict of interest, so the
-- lookup by group is indexed; most organisations have none.
ALTER TABLE organisations ADD COLUMN group_name TEXT NOT NULL DEFAULT '';
CREATE INDEX organisations_group_name ON organisations (group_name) WHERE group_name <> '';
