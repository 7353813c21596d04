-- +goose Up
-- Independent review (DESIGN rule 7). A finished review is frozen once its reviewer has been
-- shown the others' work (viewed_others_at); an admin's reopen clears that and marks the review
-- reopened_after_viewing for good, so scores and exports can say so.
ALTER TABLE reviews ADD COLUMN viewed_others_at DATETIME;
ALTER TABLE reviews ADD COLUMN reopened_after_viewing BOOLEAN NOT NULL DEFAULT FALSE;

-- Each reviewer's own accept or reject of a detected region (a manual region is its author's,
-- with the author's decision in regions.status). No row: the reviewer has not decided.
CREATE TABLE region_decisions (
    region_id  INTEGER NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    status     TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (region_id, user_id)
);
CREATE INDEX region_decisions_user ON region_decisions (user_id);

-- Until now one decision on a detected region stood for everyone. It becomes the decision of the
-- one who made it: the actor of the region's latest update in the audit trail. The region itself
-- goes back to proposed, so nobody else inherits it.
INSERT INTO region_decisions (region_id, user_id, status, updated_at)
SELECT r.id, l.actor_id, r.status, r.updated_at
FROM regions r
JOIN audit_log l ON l.id = (SELECT max(a.id) FROM audit_log a
                            WHERE a.entity = 'region' AND a.entity_id = r.id AND a.action = 'update' AND a.actor_id IS NOT NULL)
JOIN users u ON u.id = l.actor_id
WHERE r.origin = 'detected' AND r.status IN ('accepted', 'rejected');
UPDATE regions SET status = 'proposed' WHERE origin = 'detected';

-- +goose Down
UPDATE regions SET status = COALESCE((SELECT d.status FROM region_decisions d WHERE d.region_id = regions.id
                                      ORDER BY d.updated_at DESC LIMIT 1), status)
WHERE origin = 'detected';
DROP INDEX region_decisions_user;
DROP TABLE region_decisions;
ALTER TABLE reviews DROP COLUMN reopened_after_viewing;
ALTER TABLE reviews DROP COLUMN viewed_others_at;
