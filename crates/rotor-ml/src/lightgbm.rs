//! Inference of LightGBM models trained elsewhere (Python's `Booster.save_model` text
//! format), so a researcher can train in a notebook and score in rotor.
//!
//! **Format read.** The header (`objective`, `max_feature_idx`, `feature_names`), then
//! one `Tree=k` block per tree with `num_leaves`, `split_feature`, `threshold`,
//! `decision_type`, `left_child`, `right_child`, `leaf_value` (shrinkage already applied
//! by LightGBM when it writes them). A child `c < 0` is the leaf `−c − 1`.
//!
//! **A numerical split** (LightGBM's `NumericalDecision`): with `missing_type =
//! (decision_type >> 2) & 3` (0 none, 1 zero, 2 NaN) and `default_left = decision_type
//! & 2`: a NaN value becomes 0 unless the missing type is NaN; then, if the value is
//! "missing" (|v| ≤ 1e−35 for type zero, NaN for type NaN) it goes to the default side,
//! else left when `v ≤ threshold`. Categorical splits (`decision_type & 1`) are refused
//! when the file is read, naming the tree.
//!
//! **Output.** The raw score is the sum of the trees' leaf values; `objective=binary`
//! maps it through the sigmoid `1 / (1 + e^{−σ·s})` (σ from `sigmoid:σ`, default 1);
//! regression objectives return it as it is. Multiclass and linear trees are refused.

use std::path::{Path, PathBuf};

/// A malformed or unsupported model file.
#[derive(Debug, thiserror::Error)]
#[error("{file}: line {line}: {message}")]
pub struct ModelError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line (0 = the file as a whole).
    pub line: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

/// One regression tree.
#[derive(Debug, Clone, PartialEq)]
struct Tree {
    split_feature: Vec<usize>,
    threshold: Vec<f64>,
    decision_type: Vec<u8>,
    left: Vec<i32>,
    right: Vec<i32>,
    leaf_value: Vec<f64>,
}

impl Tree {
    fn predict(&self, x: &[f64]) -> f64 {
        if self.split_feature.is_empty() {
            return self.leaf_value[0];
        }
        let mut node = 0i32;
        while node >= 0 {
            let k = node as usize;
            let dt = self.decision_type[k];
            let missing = (dt >> 2) & 3;
            let mut v = x.get(self.split_feature[k]).copied().unwrap_or(f64::NAN);
            if v.is_nan() && missing != 2 {
                v = 0.0;
            }
            let is_missing = (missing == 1 && v.abs() <= 1e-35) || (missing == 2 && v.is_nan());
            let go_left = if is_missing {
                dt & 2 != 0
            } else {
                v <= self.threshold[k]
            };
            node = if go_left { self.left[k] } else { self.right[k] };
        }
        self.leaf_value[(-node - 1) as usize]
    }
}

/// A LightGBM model read from its text file.
#[derive(Debug, Clone, PartialEq)]
pub struct LightGbm {
    /// Feature names in the model's column order.
    pub feature_names: Vec<String>,
    /// The objective line (`regression`, `binary sigmoid:1`, …).
    pub objective: String,
    sigmoid: Option<f64>,
    trees: Vec<Tree>,
}

/// The `key=value` lines of one block.
fn values<'a>(block: &[(usize, &'a str)], key: &str) -> Option<(usize, &'a str)> {
    block.iter().find_map(|(n, l)| {
        l.strip_prefix(key)
            .and_then(|r| r.strip_prefix('='))
            .map(|v| (*n, v))
    })
}

impl LightGbm {
    /// Read a model file.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|e| ModelError {
            file: path.to_path_buf(),
            line: 0,
            message: format!("cannot read the model file ({e})"),
        })?;
        Self::parse(&text, path)
    }

    /// Parse the text of a model file (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Self, ModelError> {
        let err = |line: usize, message: String| ModelError {
            file: path.to_path_buf(),
            line,
            message,
        };
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .collect();
        if lines.first().map(|l| l.1) != Some("tree") {
            return Err(err(
                1,
                "not a LightGBM model text file: expected `tree` on the first line (Booster.save_model)".into(),
            ));
        }
        // blocks separated by `Tree=` lines; the header is the first
        let mut blocks: Vec<Vec<(usize, &str)>> = vec![Vec::new()];
        for &(n, l) in &lines {
            if l.starts_with("Tree=") {
                blocks.push(Vec::new());
            }
            if l == "end of trees" {
                break;
            }
            blocks.last_mut().expect("a block").push((n, l));
        }
        let header = &blocks[0];
        let (oline, objective) =
            values(header, "objective").ok_or_else(|| err(0, "no `objective=` line".into()))?;
        let kind = objective.split_whitespace().next().unwrap_or("");
        let sigmoid = match kind {
            "binary" => Some(
                objective
                    .split_whitespace()
                    .find_map(|p| p.strip_prefix("sigmoid:"))
                    .map_or(Ok(1.0), str::parse::<f64>)
                    .map_err(|_| err(oline, format!("`{objective}`: unreadable sigmoid")))?,
            ),
            "regression" | "regression_l1" | "huber" | "fair" | "quantile" | "mape"
            | "lambdarank" | "rank_xendcg" => None,
            other => {
                return Err(err(
                    oline,
                    format!("objective `{other}` is not supported (regression, ranking and binary models are)"),
                ))
            }
        };
        if values(header, "num_class").is_some_and(|(_, v)| v != "1") {
            return Err(err(0, "multiclass models are not supported".into()));
        }
        let feature_names: Vec<String> = values(header, "feature_names")
            .map(|(_, v)| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let trees = blocks[1..]
            .iter()
            .map(|b| parse_tree(b, feature_names.len(), &err))
            .collect::<Result<Vec<_>, _>>()?;
        if trees.is_empty() {
            return Err(err(0, "no `Tree=` blocks".into()));
        }
        Ok(LightGbm {
            feature_names,
            objective: objective.to_string(),
            sigmoid,
            trees,
        })
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The raw score of one row (features in [`LightGbm::feature_names`] order; NaN =
    /// missing).
    pub fn raw_score(&self, x: &[f64]) -> f64 {
        self.trees.iter().map(|t| t.predict(x)).sum()
    }

    /// The prediction of one row: the raw score, through the sigmoid for a binary model.
    pub fn predict(&self, x: &[f64]) -> f64 {
        let s = self.raw_score(x);
        match self.sigmoid {
            Some(k) => 1.0 / (1.0 + (-k * s).exp()),
            None => s,
        }
    }
}

type ErrFn<'a> = dyn Fn(usize, String) -> ModelError + 'a;

/// One `Tree=` block.
fn parse_tree(b: &[(usize, &str)], n_features: usize, err: &ErrFn<'_>) -> Result<Tree, ModelError> {
    let (tline, name) = b[0];
    let get = |key: &str| -> Result<(usize, &str), ModelError> {
        values(b, key).ok_or_else(|| err(tline, format!("{name}: no `{key}=` line")))
    };
    fn list<T: std::str::FromStr>(
        (line, v): (usize, &str),
        key: &str,
        err: &ErrFn<'_>,
    ) -> Result<Vec<T>, ModelError> {
        v.split_whitespace()
            .map(|x| {
                x.parse::<T>()
                    .map_err(|_| err(line, format!("`{key}`: `{x}` is not a number")))
            })
            .collect()
    }
    let (nl_line, nl) = get("num_leaves")?;
    let num_leaves: usize = nl
        .parse()
        .map_err(|_| err(nl_line, format!("`num_leaves={nl}`: expected a count")))?;
    if values(b, "is_linear").is_some_and(|(_, v)| v != "0") {
        return Err(err(
            tline,
            format!("{name}: linear trees are not supported"),
        ));
    }
    let leaf_value: Vec<f64> = list(get("leaf_value")?, "leaf_value", err)?;
    if leaf_value.len() != num_leaves || num_leaves == 0 {
        return Err(err(
            tline,
            format!(
                "{name}: {} leaf values for num_leaves={num_leaves}",
                leaf_value.len()
            ),
        ));
    }
    if num_leaves == 1 {
        return Ok(Tree {
            split_feature: Vec::new(),
            threshold: Vec::new(),
            decision_type: Vec::new(),
            left: Vec::new(),
            right: Vec::new(),
            leaf_value,
        });
    }
    let split_feature: Vec<usize> = list(get("split_feature")?, "split_feature", err)?;
    let threshold: Vec<f64> = list(get("threshold")?, "threshold", err)?;
    let decision_type: Vec<u8> = list(get("decision_type")?, "decision_type", err)?;
    let left: Vec<i32> = list(get("left_child")?, "left_child", err)?;
    let right: Vec<i32> = list(get("right_child")?, "right_child", err)?;
    let m = num_leaves - 1;
    if [
        split_feature.len(),
        threshold.len(),
        decision_type.len(),
        left.len(),
        right.len(),
    ]
    .iter()
    .any(|&l| l != m)
    {
        return Err(err(tline, format!("{name}: split arrays are not {m} long")));
    }
    if decision_type.iter().any(|d| d & 1 != 0) {
        return Err(err(
            tline,
            format!("{name}: categorical splits are not supported"),
        ));
    }
    if n_features > 0 && split_feature.iter().any(|&f| f >= n_features) {
        return Err(err(
            tline,
            format!("{name}: a split on a feature beyond the {n_features} named"),
        ));
    }
    let in_range =
        |c: i32| (c >= 0 && (c as usize) < m) || (c < 0 && ((-c - 1) as usize) < num_leaves);
    if !left.iter().chain(&right).all(|&c| in_range(c)) {
        return Err(err(tline, format!("{name}: a child index out of range")));
    }
    // a child must point further down (no cycles)
    if left
        .iter()
        .chain(&right)
        .enumerate()
        .any(|(i, &c)| c >= 0 && (c as usize) <= i % m)
    {
        return Err(err(
            tline,
            format!("{name}: a child points back up the tree"),
        ));
    }
    Ok(Tree {
        split_feature,
        threshold,
        decision_type,
        left,
        right,
        leaf_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=1
objective=regression
feature_names=a b

Tree=0
num_leaves=3
num_cat=0
split_feature=0 1
threshold=0.5 1.5
decision_type=2 8
left_child=1 -1
right_child=-2 -3
leaf_value=10 20 30
shrinkage=1

Tree=1
num_leaves=1
leaf_value=0.5

end of trees
";

    #[test]
    fn a_hand_written_model_routes_values_and_missing_ones() {
        let m = LightGbm::parse(TINY, Path::new("tiny.txt")).unwrap();
        assert_eq!(m.n_trees(), 2);
        // a ≤ 0.5 → node 1: b ≤ 1.5 → leaf 0 (10), else leaf 2 (30); a > 0.5 → leaf 1
        assert_eq!(m.predict(&[0.0, 1.0]), 10.5);
        assert_eq!(m.predict(&[0.0, 2.0]), 30.5);
        assert_eq!(m.predict(&[1.0, 0.0]), 20.5);
        // node 0 has missing type none: NaN reads as 0 → left
        assert_eq!(m.predict(&[f64::NAN, 0.0]), 10.5);
        // node 1 has missing type NaN (8 = 2 << 2), default right: NaN → leaf 2
        assert_eq!(m.predict(&[0.0, f64::NAN]), 30.5);
    }

    #[test]
    fn bad_files_name_the_line_and_what_was_expected() {
        let e = LightGbm::parse("hello", Path::new("m.txt")).unwrap_err();
        assert!(e
            .to_string()
            .contains("m.txt: line 1: not a LightGBM model"));
        let bad = TINY.replace("leaf_value=10 20 30", "leaf_value=10 x 30");
        let e = LightGbm::parse(&bad, Path::new("m.txt")).unwrap_err();
        assert!(e.to_string().contains("`x` is not a number"), "{e}");
        let cat = TINY.replace("decision_type=2 8", "decision_type=1 8");
        let e = LightGbm::parse(&cat, Path::new("m.txt")).unwrap_err();
        assert!(e.to_string().contains("categorical"), "{e}");
        let cyc = TINY.replace("left_child=1 -1", "left_child=0 -1");
        assert!(LightGbm::parse(&cyc, Path::new("m.txt")).is_err());
        let multi = TINY.replace("num_class=1", "num_class=3");
        assert!(LightGbm::parse(&multi, Path::new("m.txt")).is_err());
    }
}
