//! Common competency and qualification frameworks, offered when an alignment is entered so
//! that framework names and their home pages are spelt the same way across achievements.

/// A framework an achievement can align with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framework {
    pub name: &'static str,
    /// The framework's home page; each of its skills has its own URL under it.
    pub url: &'static str,
    pub about: &'static str,
}

/// The bundled list, by name.
pub const ALIGNMENT_FRAMEWORKS: &[Framework] = &[
    Framework {
        name: "Common Core State Standards",
        url: "https://www.thecorestandards.org/",
        about: "US K-12 standards in English language arts and mathematics",
    },
    Framework {
        name: "DigComp",
        url: "https://joint-research-centre.ec.europa.eu/digcomp_en",
        about: "The European Digital Competence Framework for Citizens",
    },
    Framework {
        name: "e-CF",
        url: "https://itprofessionalism.org/about-it-professionalism/competences/the-e-competence-framework/",
        about: "European e-Competence Framework (EN 16234-1) for ICT professionals",
    },
    Framework {
        name: "ESCO",
        url: "https://esco.ec.europa.eu/",
        about: "European Skills, Competences, Qualifications and Occupations",
    },
    Framework {
        name: "European Qualifications Framework",
        url: "https://europass.europa.eu/en/europass-digital-tools/european-qualifications-framework",
        about: "The eight EQF levels of qualifications",
    },
    Framework {
        name: "ISTE Standards",
        url: "https://iste.org/standards",
        about: "Standards for the use of technology in learning and teaching",
    },
    Framework {
        name: "Next Generation Science Standards",
        url: "https://www.nextgenscience.org/",
        about: "US K-12 science standards",
    },
    Framework {
        name: "O*NET",
        url: "https://www.onetonline.org/",
        about: "US Occupational Information Network: occupations, skills, abilities",
    },
    Framework {
        name: "SFIA",
        url: "https://sfia-online.org/",
        about: "Skills Framework for the Information Age",
    },
];
