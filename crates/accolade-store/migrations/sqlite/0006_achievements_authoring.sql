-- Achievement authoring: the default language of the texts, translations, custom fields
-- and guidance on evidence. Existing achievements were written in English.
ALTER TABLE achievements ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE achievements ADD COLUMN translations TEXT NOT NULL DEFAULT '[]'; -- JSON array of AchievementTranslation
ALTER TABLE achievements ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '[]'; -- JSON array of CustomField
ALTER TABLE achievements ADD COLUMN evidence_requirements TEXT;
