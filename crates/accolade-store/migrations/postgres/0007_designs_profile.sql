-- Badge designs and the organization profile's languages.

-- BCP 47 tags the organization issues in, as a JSON array of strings.
ALTER TABLE orgs ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';

-- A design made in the badge designer: its parameters (JSON, to edit it again) and the image
-- its last save produced. Images never change; a new save points at a new image.
CREATE TABLE designs (
    id         TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    name       TEXT NOT NULL,
    params     TEXT NOT NULL,
    image_id   TEXT NOT NULL REFERENCES images (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX designs_org_updated ON designs (org_id, updated_at);

-- Logos uploaded in the designer (the images themselves are in `images`).
CREATE TABLE design_logos (
    image_id   TEXT PRIMARY KEY NOT NULL REFERENCES images (id),
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX design_logos_org ON design_logos (org_id, created_at);
