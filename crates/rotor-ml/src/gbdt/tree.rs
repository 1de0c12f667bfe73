//! A regression tree of the GBDT: internal nodes split one feature at a cut (`v ≤ cut`
//! goes left, a missing value goes to the side learnt in training), leaves hold values
//! with the shrinkage already applied. A child `c < 0` is the leaf `−c − 1` (LightGBM's
//! convention, so the two inference paths read alike).

/// One split.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub feature: usize,
    /// Raw-value cut: `v ≤ threshold` goes left.
    pub threshold: f64,
    /// The same cut as a bin: `bin ≤ bin` goes left (training-time data only).
    pub bin: u8,
    /// Where a missing value goes.
    pub missing_left: bool,
    pub left: i32,
    pub right: i32,
}

/// One tree: `nodes` (empty for a single leaf) and leaf values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tree {
    pub nodes: Vec<Node>,
    pub leaves: Vec<f64>,
}

impl Tree {
    /// The leaf value reached when `left(node)` says which way each split goes.
    #[inline]
    fn walk(&self, left: impl Fn(&Node) -> bool) -> f64 {
        let mut k = 0i32;
        if self.nodes.is_empty() {
            return self.leaves[0];
        }
        while k >= 0 {
            let n = &self.nodes[k as usize];
            k = if left(n) { n.left } else { n.right };
        }
        self.leaves[(-k - 1) as usize]
    }

    /// Value of row `i` of column-major raw data with `rows` rows: `v ≤ threshold` goes
    /// left, NaN to the learnt side.
    #[inline]
    pub fn predict_raw(&self, data: &[f64], rows: usize, i: usize) -> f64 {
        self.walk(|n| {
            let v = data[n.feature * rows + i];
            if v.is_nan() {
                n.missing_left
            } else {
                v <= n.threshold
            }
        })
    }

    /// Value of row `i` of column-major bins with `rows` rows: `bin ≤ n.bin` goes left,
    /// bin 0 (missing) to the learnt side.
    #[inline]
    pub fn predict_binned(&self, bins: &[u8], rows: usize, i: usize) -> f64 {
        self.walk(|n| match bins[n.feature * rows + i] {
            0 => n.missing_left,
            b => b <= n.bin,
        })
    }

    /// Text lines: `tree <nodes> <leaves>`, a line per node (`feature threshold bin
    /// missing_left left right`), then the leaf values on one line. Floats are written in
    /// Rust's shortest round-trip form, so a model read back predicts bit for bit.
    pub fn write(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = writeln!(out, "tree {} {}", self.nodes.len(), self.leaves.len());
        for n in &self.nodes {
            let _ = writeln!(
                out,
                "{} {:?} {} {} {} {}",
                n.feature,
                n.threshold,
                n.bin,
                u8::from(n.missing_left),
                n.left,
                n.right
            );
        }
        let vals: Vec<String> = self.leaves.iter().map(|v| format!("{v:?}")).collect();
        let _ = writeln!(out, "{}", vals.join(" "));
    }

    /// Read what [`Tree::write`] wrote from `lines` (1-based line numbers in errors);
    /// `features` bounds the feature indices.
    pub fn read<'a>(
        lines: &mut impl Iterator<Item = (usize, &'a str)>,
        features: usize,
    ) -> Result<Tree, String> {
        let (ln, head) = lines.next().ok_or("the file ends before a tree")?;
        let h: Vec<&str> = head.split_whitespace().collect();
        let (nn, nl) = match h.as_slice() {
            ["tree", a, b] => (
                a.parse::<usize>()
                    .map_err(|_| format!("line {ln}: node count"))?,
                b.parse::<usize>()
                    .map_err(|_| format!("line {ln}: leaf count"))?,
            ),
            _ => return Err(format!("line {ln}: expected `tree <nodes> <leaves>`")),
        };
        if nl != nn + 1 {
            return Err(format!("line {ln}: {nn} nodes need {} leaves", nn + 1));
        }
        // a child node comes after its parent (as grown), so a tree read has no cycle
        let child_ok = |k: usize, c: i32| {
            (c >= 0 && (c as usize) > k && (c as usize) < nn) || (c < 0 && ((-c - 1) as usize) < nl)
        };
        let mut nodes = Vec::with_capacity(nn);
        for k in 0..nn {
            let (ln, l) = lines.next().ok_or("the file ends inside a tree")?;
            let p: Vec<&str> = l.split_whitespace().collect();
            let bad =
                || format!("line {ln}: expected `feature threshold bin missing_left left right`");
            if p.len() != 6 {
                return Err(bad());
            }
            let node = Node {
                feature: p[0].parse().map_err(|_| bad())?,
                threshold: p[1].parse().map_err(|_| bad())?,
                bin: p[2].parse().map_err(|_| bad())?,
                missing_left: p[3] == "1",
                left: p[4].parse().map_err(|_| bad())?,
                right: p[5].parse().map_err(|_| bad())?,
            };
            if node.feature >= features || !child_ok(k, node.left) || !child_ok(k, node.right) {
                return Err(format!("line {ln}: feature or child out of range"));
            }
            nodes.push(node);
        }
        let (ln, l) = lines.next().ok_or("the file ends before leaf values")?;
        let leaves = l
            .split_whitespace()
            .map(str::parse::<f64>)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| format!("line {ln}: leaf values"))?;
        if leaves.len() != nl {
            return Err(format!(
                "line {ln}: {} leaf values, expected {nl}",
                leaves.len()
            ));
        }
        Ok(Tree { nodes, leaves })
    }
}
