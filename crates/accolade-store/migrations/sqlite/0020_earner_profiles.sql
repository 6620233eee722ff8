-- An earner's public profile: a short headline and a photo (an image with no organization),
-- shown on the portfolio. One row per account, written on first edit.
CREATE TABLE earner_profiles (
    user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    headline   TEXT NOT NULL,
    image_id   TEXT REFERENCES images (id),
    updated_at INTEGER NOT NULL
);
