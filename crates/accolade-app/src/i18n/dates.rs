//! Dates as each language writes them: "12 March 2025", "12 de marzo de 2025",
//! "12 mars 2025", "12. März 2025".

use super::Lang;
use time::{Month, OffsetDateTime, UtcOffset};

const MONTHS: [[&str; 12]; 4] = [
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
];

/// The month's name in `lang` ("March", "marzo", "mars", "März").
pub fn month_name(lang: Lang, month: Month) -> &'static str {
    let row = match lang {
        Lang::En => 0,
        Lang::Es => 1,
        Lang::Fr => 2,
        Lang::De => 3,
    };
    MONTHS[row][usize::from(u8::from(month)) - 1]
}

/// The date in the date's own offset, as `lang` writes it.
pub fn format_date(lang: Lang, at: OffsetDateTime) -> String {
    let (day, month, year) = (at.day(), month_name(lang, at.month()), at.year());
    match lang {
        Lang::En | Lang::Fr => format!("{day} {month} {year}"),
        Lang::Es => format!("{day} de {month} de {year}"),
        Lang::De => format!("{day}. {month} {year}"),
    }
}

/// The date and time in UTC: "12 March 2025, 14:03 UTC", "12 mars 2025 à 14:03 UTC".
pub fn format_datetime(lang: Lang, at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    let date = format_date(lang, utc);
    let clock = format!("{:02}:{:02} UTC", utc.hour(), utc.minute());
    match lang {
        Lang::Fr => format!("{date} à {clock}"),
        _ => format!("{date}, {clock}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn each_language_writes_its_dates() {
        let at = datetime!(2025-03-12 14:03 UTC);
        assert_eq!(format_date(Lang::En, at), "12 March 2025");
        assert_eq!(format_date(Lang::Es, at), "12 de marzo de 2025");
        assert_eq!(format_date(Lang::Fr, at), "12 mars 2025");
        assert_eq!(format_date(Lang::De, at), "12. März 2025");
        assert_eq!(format_datetime(Lang::En, at), "12 March 2025, 14:03 UTC");
        assert_eq!(format_datetime(Lang::Fr, at), "12 mars 2025 à 14:03 UTC");
        let late = datetime!(2025-08-01 23:30 -02:00);
        assert_eq!(format_datetime(Lang::De, late), "2. August 2025, 01:30 UTC");
        assert_eq!(format_date(Lang::Es, late), "1 de agosto de 2025");
    }
}
