-- The date experts are asked to submit their reviews by, and when each
-- pending review was last recalled to its expert.
ALTER TABLE calls ADD COLUMN reviews_due TIMESTAMPTZ;
ALTER TABLE assignments ADD COLUMN reminded_at TIMESTAMPTZ;
