"""PyTorch GRU on the sequences `bench_gru` trained rotor's GRU on (issue 16).

Reads DIR/gru_panel.parquet (day, stock, f0.., y), builds the 40-day sequences ending on
each day, trains nn.GRU(hidden 32) + Linear on the first 70 % of days with the next 10 %
for validation each epoch — batch 512, Adam 1e-3, gradients clipped by value at 3, a
fixed number of epochs, the same as rotor — and prints seconds per epoch and the test
days' mean RankIC (Spearman per day).

    python bench/ml/peer_gru.py DIR [epochs] [threads]
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import torch

T, H = 40, 32


def main():
    d = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(7)
    df = pd.read_parquet(f"{d}/gru_panel.parquet")
    feats = [c for c in df.columns if c.startswith("f")]
    days, n = int(df["day"].max()) + 1, int(df["stock"].max()) + 1
    df = df.sort_values(["stock", "day"])
    x = df[feats].to_numpy(np.float32).reshape(n, days, len(feats))
    y = df["y"].to_numpy(np.float64).reshape(n, days)

    def cells(a, b):
        return [(t, j) for t in range(max(a, T - 1), b) for j in range(n)]

    def build(cs):
        xs = np.stack([x[j, t + 1 - T : t + 1] for t, j in cs])
        ys = np.array([y[j, t] for t, j in cs], dtype=np.float32)
        return torch.from_numpy(xs), torch.from_numpy(ys)

    tr, va = days * 7 // 10, days * 8 // 10
    (xt, yt), (xv, yv) = build(cells(0, tr)), build(cells(tr, va))
    test = cells(va, days)
    xs, _ = build(test)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.gru = torch.nn.GRU(len(feats), H, batch_first=True)
            self.out = torch.nn.Linear(H, 1)

        def forward(self, v):
            h, _ = self.gru(v)
            return self.out(h[:, -1, :]).squeeze(-1)

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    t0 = time.perf_counter()
    for e in range(epochs):
        net.train()
        perm = torch.randperm(len(yt))
        for k in range(0, len(perm), 512):
            idx = perm[k : k + 512]
            opt.zero_grad()
            loss = torch.mean((net(xt[idx]) - yt[idx]) ** 2)
            loss.backward()
            torch.nn.utils.clip_grad_value_(net.parameters(), 3.0)
            opt.step()
        net.eval()
        with torch.no_grad():
            vl = float(torch.mean((net(xv) - yv) ** 2))
        print(f"torch epoch {e + 1}: valid {vl:.4f}", file=sys.stderr)
    secs = (time.perf_counter() - t0) / epochs
    with torch.no_grad():
        pred = net(xs).numpy().reshape(days - va, n)
    truth = np.array([y[j, t] for t, j in test]).reshape(days - va, n)
    ics = [pd.Series(p).corr(pd.Series(q), method="spearman") for p, q in zip(pred, truth)]
    print(json.dumps({"tool": "pytorch", "torch": torch.__version__, "threads": threads,
                      "train_sequences": len(yt), "seconds_per_epoch": round(secs, 3),
                      "test_rank_ic": round(float(np.mean(ics)), 5)}))


if __name__ == "__main__":
    main()
