//! # rotor-strategies
//!
//! The registered strategies: each is one module implementing
//! [`rotor_engine::strategy::StrategyParams`] and [`rotor_engine::strategy::Strategy`],
//! plus one line in [`REGISTRY`]. `[strategy] kind = "…"` in a strategy file picks one
//! (default `rotation`, so strategy files written before the engine stay valid).
//!
//! | kind | what | module |
//! |---|---|---|
//! | `rotation` | the Founder money + credit multi-factor index / ETF rotation (SPEC §1–§5); any score can drive it | [`rotation`] |
//! | `buy_hold` | hold fixed weights (bought once, or reset each period) — the worked example | [`buy_hold`] |
//! | `sleeves` | a fixed mix of other strategies with drift bands (core + satellite) | [`sleeves`] |
//! | `macro_timing` | equity position from dynamic macro event factors (SPEC §8) | [`timing`] |
//! | `style_rotation` | size or growth / value style calls from money and rate signals (SPEC §9) | [`style`] |
//! | `composite_rotation` | the 2 : 1 dividend + micro-cap composite against a large-cap index (SPEC §10) | [`composite`] |
//! | `fund_basket` | the latest published fund basket, equally weighted (core + satellite's rotating funds, SPEC §16) | [`fund_basket`] |
//! | `ai_rotation` | stock predictions aggregated by constituent weights into index scores; top N indices / ETFs, weekly (SPEC §7) | [`ai_rotation`] |
//!
//! **Adding a strategy**: write `src/<name>.rs` with a params type (serde, unknown keys
//! refused), a `parse` function, an `EXAMPLE` on the synthetic market, and a strategy
//! type whose `decide` reads only the view it is given; add one [`Entry`] line below.
//! The store-mutation look-ahead test (`tests/lookahead.rs`) then runs it automatically.

pub mod ai_rotation;
pub mod buy_hold;
pub mod composite;
pub mod fund_basket;
pub mod rotation;
pub mod sleeves;
pub mod style;
pub mod timing;

use rotor_engine::plan::Entry;

/// Every registered strategy.
pub static REGISTRY: [Entry; 8] = [
    Entry {
        kind: "rotation",
        about: "money + credit multi-factor index / ETF rotation (SPEC §1–§5)",
        parse: rotation::parse,
        example: rotation::EXAMPLE,
    },
    Entry {
        kind: "buy_hold",
        about: "hold fixed weights, bought once or reset each period",
        parse: buy_hold::parse,
        example: buy_hold::EXAMPLE,
    },
    Entry {
        kind: "sleeves",
        about: "a fixed mix of other strategies with drift bands (core + satellite)",
        parse: sleeves::parse,
        example: sleeves::EXAMPLE,
    },
    Entry {
        kind: "macro_timing",
        about: "equity position from dynamic macro event factors (SPEC §8)",
        parse: timing::parse,
        example: timing::EXAMPLE,
    },
    Entry {
        kind: "style_rotation",
        about: "size or growth / value style calls from money and rate signals (SPEC §9)",
        parse: style::parse,
        example: style::EXAMPLE,
    },
    Entry {
        kind: "composite_rotation",
        about: "the 2 : 1 dividend + micro-cap composite against a large-cap index (SPEC §10)",
        parse: composite::parse,
        example: composite::EXAMPLE,
    },
    Entry {
        kind: "fund_basket",
        about: "hold the latest published fund basket, equally weighted (the rotating-fund core, SPEC §16)",
        parse: fund_basket::parse,
        example: fund_basket::EXAMPLE,
    },
    Entry {
        kind: "ai_rotation",
        about: "AI ETF rotation: stock predictions aggregated by constituent weights, top N indices or their ETFs, weekly (SPEC §7)",
        parse: ai_rotation::parse,
        example: ai_rotation::EXAMPLE,
    },
];

/// The registry as a slice.
pub fn registry() -> &'static [Entry] {
    &REGISTRY
}
