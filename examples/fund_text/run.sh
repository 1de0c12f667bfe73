#!/usr/bin/env bash
# The fund-text example (docs/text.md): classify the 206 bundle funds' strategy texts into
# styles and compare with the styles the data gives, offline (trained on 70 %, scored on
# the held-out 30 %) and, when an endpoint is configured, with an LLM.
#
#   examples/fund_text/run.sh                       # offline only
#   LLM_CONFIG=examples/fund_text/deepseek.toml examples/fund_text/run.sh
set -euo pipefail
D=${DATA:-../shared/data}/raw
OUT=${OUT:-rotor-out/fund_text}
R=${ROTOR:-${CARGO_TARGET_DIR:-target}/release/rotor}
[ -x "$R" ] || cargo build --release -q --bin rotor
mkdir -p "$OUT"
$R text corpus --kind fund-profiles --input "$D/fund_nav_em/funds" --out "$OUT/funds.csv"
$R text corpus --kind enhanced-pool --input "$D/enhanced_fund_pool/fund_detail_cache.parquet" --out "$OUT/enhanced.csv"
$R text corpus --kind news-digest --input "$D/tdsignal_staticdata/news_digest" --out "$OUT/news.csv"
# offline: n-gram model on 70 % of the texts (grouped by text), scored on the rest
$R text train --input "$OUT/funds.csv" --task fund_style --label-column reference --out "$OUT/model"
$R text classify --input "$OUT/funds.csv" --task fund_style --model "$OUT/model/model.json" \
    --label-column reference --out "$OUT/offline"
# offline without a model: the task file's cue rule
$R text classify --input "$OUT/funds.csv" --task fund_style --label-column reference --out "$OUT/cues"
# the enhanced-index pool's objectives, none of them seen in training
$R text classify --input "$OUT/enhanced.csv" --task fund_style --model "$OUT/model/model.json" \
    --label-column reference --out "$OUT/enhanced"
# news: concept chains (with the AKShare stock list as dictionary) and summaries
$R text extract --input "$OUT/news.csv" --task concept_chain \
    --stocks "$D/akshare_stock_daily/raw_stock_list.csv" --out "$OUT/chains"
$R text summarise --input "$OUT/news.csv" --task report_summary --out "$OUT/summaries"
if [[ -n "${LLM_CONFIG:-}" ]]; then
    $R text classify --input "$OUT/funds.csv" --task fund_style --backend openai \
        --config "$LLM_CONFIG" --label-column reference --out "$OUT/llm"
    $R text extract --input "$OUT/news.csv" --task concept_chain --backend openai \
        --config "$LLM_CONFIG" --out "$OUT/llm_chains"
fi
