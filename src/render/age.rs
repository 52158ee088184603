//! kubectl's human durations (`apimachinery/pkg/util/duration.HumanDuration`): `45s`, `5m3s`, `3h`, `5d3h`.

use k8s_openapi::jiff::Timestamp;

pub fn age(created: Option<&str>, now: Timestamp) -> String {
    let Some(created) = created.and_then(|c| c.parse::<Timestamp>().ok()) else {
        return "<unknown>".to_string();
    };
    let seconds = now.as_second() - created.as_second();
    human_duration(seconds.max(0))
}

pub fn human_duration(seconds: i64) -> String {
    let (minutes, hours, days) = (seconds / 60, seconds / 3600, seconds / 86400);
    let years = days / 365;
    if seconds < 120 {
        format!("{seconds}s")
    } else if minutes < 10 {
        match seconds % 60 {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        }
    } else if hours < 3 {
        format!("{minutes}m")
    } else if hours < 8 {
        match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        }
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        match hours % 24 {
            0 => format!("{days}d"),
            h => format!("{days}d{h}h"),
        }
    } else if years < 2 {
        format!("{days}d")
    } else if years < 8 {
        match days % 365 {
            0 => format!("{years}y"),
            d => format!("{years}y{d}d"),
        }
    } else {
        format!("{years}y")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_kubectl() {
        for (s, want) in [
            (5, "5s"),
            (119, "119s"),
            (183, "3m3s"),
            (600, "10m"),
            (3 * 3600 + 60, "3h1m"),
            (9 * 3600, "9h"),
            (5 * 86400 + 3 * 3600, "5d3h"),
            (30 * 86400, "30d"),
            (800 * 86400, "2y70d"),
        ] {
            assert_eq!(human_duration(s), want);
        }
        let now: Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
        assert_eq!(age(Some("2026-01-01T00:00:00Z"), now), "24h");
        assert_eq!(age(None, now), "<unknown>");
    }
}
