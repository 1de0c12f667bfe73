//! Text operations shared by the offline backend: normalisation (full-width ASCII
//! folded to half-width, Latin lower-cased, runs of whitespace to one space — Chinese
//! text needs no segmenter for character n-grams), sentence splitting on Chinese and
//! Latin sentence ends, and character n-grams.

/// The text folded for matching: full-width forms `！`…`～` (U+FF01–U+FF5E) to ASCII,
/// the ideographic space to a space, Latin letters lower-cased, whitespace runs (also
/// `\r\n` and tabs) to one space, trimmed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// Sentences of `text` (as written, trimmed, empty ones dropped): split after `。！？；`,
/// `!?;`, at line breaks, and after a `.` that ends an English sentence (a lower-case
/// letter before it, a space or the end after it) — never inside `3.5` or `300558. SZ`.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let end = matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n' | '\r')
            || (c == '.'
                && k > 0
                && chars[k - 1].1.is_ascii_lowercase()
                && chars.get(k + 1).is_none_or(|x| x.1.is_whitespace()));
        if end {
            let stop = i + c.len_utf8();
            push_sentence(&mut out, &text[start..stop]);
            start = stop;
        }
    }
    push_sentence(&mut out, &text[start..]);
    out
}

fn push_sentence<'a>(out: &mut Vec<&'a str>, s: &'a str) {
    let s = s.trim();
    if s.chars().any(char::is_alphanumeric) {
        out.push(s);
    }
}

/// Character n-grams of a normalised text for n in `min..=max`, spaces inside a gram
/// kept (they mark word breaks in Latin text), grams made only of spaces dropped.
pub fn char_ngrams(text: &str, min: usize, max: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for n in min.max(1)..=max {
        if chars.len() < n {
            break;
        }
        for w in chars.windows(n) {
            if w.iter().all(|c| c.is_whitespace()) {
                continue;
            }
            out.push(w.iter().collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_width_case_and_space() {
        assert_eq!(
            normalise("  ＡＢｃ１２\r\n\t沪深３００　指数 "),
            "abc12 沪深300 指数"
        );
        assert_eq!(normalise(""), "");
    }

    #[test]
    fn sentences_split_on_chinese_and_latin_ends_not_decimals() {
        let s = sentences(
            "本基金投资成长股。仓位80%-95%；分红3.5元！\r\n第二段? end. 贝达药业(300558. SZ)公告",
        );
        assert_eq!(
            s,
            vec![
                "本基金投资成长股。",
                "仓位80%-95%；",
                "分红3.5元！",
                "第二段?",
                "end.",
                "贝达药业(300558. SZ)公告"
            ]
        );
        assert!(sentences(" 。。\n").is_empty());
    }

    #[test]
    fn ngrams_cover_the_range_and_skip_blank_grams() {
        let g = char_ngrams("ab c", 1, 2);
        assert_eq!(g, vec!["a", "b", "c", "ab", "b ", " c"]);
        assert!(char_ngrams("a", 2, 3).is_empty());
    }
}
