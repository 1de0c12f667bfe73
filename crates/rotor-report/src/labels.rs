//! Colours and bands of a strategy's date labels (the money + credit regimes, or any
//! other label a strategy sets): one shared helper for every report that shades them.

use crate::chart::Band;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Shade of a label band (light, so lines stay readable): the four regimes in the
/// colours of the source report's charts, other labels from a light palette.
pub fn band_color(code: &str) -> String {
    match code {
        "LL" => "#fbe0dc".into(),
        "LT" => "#fcefd2".into(),
        "TL" => "#dcebf7".into(),
        "TT" => "#e6e6e6".into(),
        other => {
            const P: [&str; 6] = [
                "#e8f3e8", "#f3e8f3", "#e8eef6", "#f6efe3", "#eaf4f4", "#f2f2e6",
            ];
            let h = other
                .bytes()
                .fold(0usize, |a, b| a.wrapping_mul(31).wrapping_add(b as usize));
            P[h % P.len()].into()
        }
    }
}

/// Bar colour of a label code in grouped charts (`All` dark slate).
pub fn bar_color(code: &str) -> &'static str {
    match code {
        "LL" => "#c23531",
        "LT" => "#ca8622",
        "TL" => "#3b7dbf",
        "TT" => "#6e7074",
        _ => "#2f4554",
    }
}

/// Is a label one that is not shaded (no information: `Undefined`, none)?
fn blank(code: Option<&str>) -> bool {
    matches!(code, None | Some("Undefined"))
}

/// Bands: each date's label over `[t_i, t_{i+1})`, the last one to `end`;
/// consecutive equal labels merged; `Undefined` and unlabelled dates not shaded.
pub fn bands(
    labels: &[(NaiveDate, Option<String>)],
    names: &BTreeMap<String, String>,
    end: NaiveDate,
) -> Vec<Band> {
    let mut out: Vec<Band> = Vec::new();
    for (i, (d, l)) in labels.iter().enumerate() {
        let to = labels.get(i + 1).map_or(end, |x| x.0).max(*d);
        if blank(l.as_deref()) {
            continue;
        }
        let code = l.as_deref().unwrap_or_default();
        let name = names.get(code).cloned().unwrap_or_else(|| code.to_string());
        if let Some(last) = out.last_mut() {
            if last.label == name && last.to == *d {
                last.to = to;
                continue;
            }
        }
        out.push(Band {
            from: *d,
            to,
            label: name,
            color: band_color(code),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn bands_merge_equal_consecutive_labels_and_skip_undefined() {
        let l = |s: &str| Some(s.to_string());
        let labels = [
            (d(2020, 1, 31), l("Undefined")),
            (d(2020, 2, 28), l("LL")),
            (d(2020, 3, 31), l("LL")),
            (d(2020, 4, 30), l("TT")),
        ];
        let names = BTreeMap::from([("TT".to_string(), "紧货币紧信用".to_string())]);
        let b = bands(&labels, &names, d(2020, 5, 29));
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].from, b[0].to), (d(2020, 2, 28), d(2020, 4, 30)));
        assert_eq!((b[1].from, b[1].to), (d(2020, 4, 30), d(2020, 5, 29)));
        assert_eq!(b[1].label, "紧货币紧信用");
        assert_eq!(b[0].label, "LL", "a code without a name shows as itself");
    }
}
