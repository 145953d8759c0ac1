-- Indexes for the directory's aggregate counts (dashboard and home page):
-- measured with cmd/filiere-bench, see docs/benchmarks.md.
CREATE INDEX organisations_membership_college_kind ON organisations (membership, college, kind);
CREATE INDEX organisation_sectors_sector ON organisation_sectors (sector);
