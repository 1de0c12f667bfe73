//! The offline extractive summariser: keeps the sentences most like the rest of the
//! text, in their original order.
//!
//! Each sentence is a bag of character bigrams of its normalised text (punctuation and
//! spaces left out). A sentence's score is the cosine similarity between its bag and the
//! bag of all *other* sentences (leave-one-out centroid, so a long sentence does not
//! score by containing itself), plus 0.1 for the first sentence (news and fund
//! documents lead with their point). Sentences are taken by score (ties: earlier first)
//! while fewer than `max_sentences` are kept and the total (a joining space counted)
//! stays within `max_chars`;
//! when even the best sentence is longer than `max_chars` it is cut to `max_chars − 1`
//! characters and `…` is appended. Deterministic; no model.

use crate::task::SummarySpec;
use crate::textops::{normalise, sentences};
use std::collections::HashMap;

fn bigrams(s: &str) -> HashMap<String, f64> {
    let chars: Vec<char> = normalise(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let mut m = HashMap::new();
    if chars.len() == 1 {
        m.insert(chars[0].to_string(), 1.0);
    }
    for w in chars.windows(2) {
        *m.entry(w.iter().collect()).or_insert(0.0) += 1.0;
    }
    m
}

fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    let dot: f64 = a
        .iter()
        .map(|(k, x)| x * b.get(k).copied().unwrap_or(0.0))
        .sum();
    let na = a.values().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.values().map(|x| x * x).sum::<f64>().sqrt();
    if na > 0.0 && nb > 0.0 {
        dot / (na * nb)
    } else {
        0.0
    }
}

/// Sentence scores (see the module doc), in sentence order.
pub fn scores(sents: &[&str]) -> Vec<f64> {
    let bags: Vec<HashMap<String, f64>> = sents.iter().map(|s| bigrams(s)).collect();
    let mut total: HashMap<String, f64> = HashMap::new();
    for b in &bags {
        for (k, x) in b {
            *total.entry(k.clone()).or_insert(0.0) += x;
        }
    }
    bags.iter()
        .enumerate()
        .map(|(i, b)| {
            let rest: HashMap<String, f64> = total
                .iter()
                .map(|(k, x)| (k.clone(), x - b.get(k).copied().unwrap_or(0.0)))
                .filter(|(_, x)| *x > 0.0)
                .collect();
            cosine(b, &rest) + if i == 0 { 0.1 } else { 0.0 }
        })
        .collect()
}

/// The summary of `text` within the budget of `spec`; empty for a text without
/// sentences.
pub fn summarise(text: &str, spec: &SummarySpec) -> String {
    let sents = sentences(text);
    if sents.is_empty() || spec.max_sentences == 0 || spec.max_chars == 0 {
        return String::new();
    }
    let sc = scores(&sents);
    let mut order: Vec<usize> = (0..sents.len()).collect();
    order.sort_by(|&a, &b| sc[b].total_cmp(&sc[a]).then(a.cmp(&b)));
    let mut kept: Vec<usize> = Vec::new();
    let mut chars = 0;
    for i in order {
        if kept.len() >= spec.max_sentences {
            break;
        }
        // a space joins sentences ending in ASCII (join_sentences)
        let n = sents[i].chars().count() + usize::from(!kept.is_empty());
        if chars + n <= spec.max_chars {
            kept.push(i);
            chars += n;
        }
    }
    if kept.is_empty() {
        let best = (0..sents.len())
            .max_by(|&a, &b| sc[a].total_cmp(&sc[b]).then(b.cmp(&a)))
            .unwrap_or(0);
        let mut s: String = sents[best]
            .chars()
            .take(spec.max_chars.saturating_sub(1))
            .collect();
        s.push('…');
        return s;
    }
    kept.sort_unstable();
    let parts: Vec<&str> = kept.iter().map(|&i| sents[i]).collect();
    join_sentences(&parts)
}

/// Sentences joined: directly after a Chinese sentence end, with a space after a Latin one.
fn join_sentences(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        if !out.is_empty() && out.chars().last().is_some_and(|c| c.is_ascii()) {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(n: usize, c: usize) -> SummarySpec {
        SummarySpec {
            max_sentences: n,
            max_chars: c,
        }
    }

    #[test]
    fn keeps_the_central_sentences_in_order() {
        let t = "央行宣布下调存款准备金率0.5个百分点。天气晴朗。此次下调存款准备金率将释放长期资金约1万亿元。降准有助于降低银行资金成本。";
        let s = summarise(t, &spec(2, 200));
        assert_eq!(
            s,
            "央行宣布下调存款准备金率0.5个百分点。此次下调存款准备金率将释放长期资金约1万亿元。"
        );
        assert!(!s.contains("天气"));
    }

    #[test]
    fn respects_the_character_budget_and_cuts_only_when_nothing_fits() {
        let t = "第一句比较长一些的内容在这里。第二句。";
        assert_eq!(summarise(t, &spec(3, 5)), "第二句。");
        assert_eq!(
            summarise("这是一个很长的句子没有结束", &spec(1, 5)),
            "这是一个…"
        );
    }

    #[test]
    fn empty_and_single_sentence_inputs() {
        assert_eq!(summarise("", &spec(3, 100)), "");
        assert_eq!(summarise("  。 ", &spec(3, 100)), "");
        assert_eq!(summarise("只有一句。", &spec(3, 100)), "只有一句。");
        assert_eq!(
            summarise("Rates fell. Stocks rose.", &spec(2, 100)),
            "Rates fell. Stocks rose."
        );
    }
}
