//! Calendar dates for the research time-box and measurement timestamps: `YYYY-MM-DD` (optionally
//! followed by a time, which is ignored) as days since 1970-01-01. A few lines of civil-calendar
//! arithmetic, not worth a date-time dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// Days since 1970-01-01 of a `YYYY-MM-DD…` text (an ISO date or date-time), or None.
pub fn parse_day(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = text.get(..10)?;
    let bytes = date.as_bytes();
    if !date.is_ascii() || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i64 = date[..4].parse().ok()?;
    let month: i64 = date[5..7].parse().ok()?;
    let day: i64 = date[8..10].parse().ok()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if let Some(next) = text.as_bytes().get(10) {
        if !matches!(next, b'T' | b't' | b' ') {
            return None;
        }
    }
    Some(days_from_civil(year, month, day))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days_from_civil.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of days since 1970-01-01.
pub fn format_day(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Today (UTC) as days since 1970-01-01.
pub fn today() -> i64 {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |duration| duration.as_secs());
    i64::try_from(seconds / 86_400).unwrap_or(0)
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ` and as `YYYYMMDDTHHMMSSZ` (for file names).
pub fn now_stamps() -> (String, String) {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |duration| duration.as_secs());
    let seconds = i64::try_from(seconds).unwrap_or(0);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let time = seconds.rem_euclid(86_400);
    let (hour, minute, second) = (time / 3600, time % 3600 / 60, time % 60);
    (
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"),
        format!("{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z"),
    )
}

/// Unix milliseconds (as MLflow writes them) to `YYYY-MM-DD`.
pub fn day_of_unix_ms(ms: i64) -> String {
    format_day(ms.div_euclid(86_400_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects() {
        for text in ["1970-01-01", "2024-02-29", "2026-11-28", "2000-12-31"] {
            let days = parse_day(text).expect("valid date");
            assert_eq!(format_day(days), text);
        }
        assert_eq!(parse_day("1970-01-02"), Some(1));
        assert_eq!(parse_day("2026-11-18T10:00:00Z"), parse_day("2026-11-18"));
        assert_eq!(parse_day("2025-02-29"), None);
        assert_eq!(parse_day("2026-13-01"), None);
        assert_eq!(parse_day("18.11.2026"), None);
        assert_eq!(parse_day("2026-11-18x"), None);
        assert_eq!(day_of_unix_ms(1_763_424_000_000), "2025-11-18");
    }
}
