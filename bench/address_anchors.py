#!/usr/bin/env python3
"""District accuracy and speed of jionlp and cpca beside yiwang's, on the same inputs.

Creates a virtualenv under target/address-anchors-venv (once), pip-installs jionlp and cpca from
PyPI into it, and runs them on the labelled corpora that `examples/eval.rs` reads
(../shared/data/address by default): CCKS-2021 train, Li & Lu 2019 train and dev. The measures
are those of the eval:

- district, written: the district found shares its first two chars with the gold district span
  (over the addresses with a gold district);
- Shanghai, written / omitted: the same over Shanghai addresses (a Shanghai district name and no
  other province or city written), the second after deleting the gold province, city and
  district spans;
- addresses/s: one thread, all three corpora; jionlp one address at a time
  (`parse_location`), cpca in one batch (`transform(list)`, its fast path).

Then it runs yiwang's eval (`cargo run --release -p yiwang-address --example eval`) for the
accuracy and `eval -- DATA --speed` for the throughput, and prints a Markdown table with the three
tools side by side.

Usage: python3 bench/address_anchors.py [--data ../shared/data/address] [--skip-yiwang]
"""
import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "address-anchors-venv")
FILES = [
    ("ccks2021_train.conll", "CCKS-2021 train"),
    ("lilu2019_train.txt", "Li & Lu 2019 train"),
    ("lilu2019_dev.txt", "Li & Lu 2019 dev"),
]
SHANGHAI = ["黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "浦东",
            "金山", "松江", "青浦", "奉贤", "崇明"]


def ensure_venv():
    """Creates the venv and installs the tools; re-runs this script inside it."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "jionlp", "cpca"], check=True)
    if os.path.realpath(sys.prefix) != os.path.realpath(VENV):
        os.execv(python, [python] + sys.argv)


def read_items(path):
    """(text, [(label, start, end)]) per address, as examples/eval.rs reads them."""
    items, tokens = [], []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n") + [""]
    for line in lines:
        if not line.strip():
            if tokens:
                items.append(item(tokens))
                tokens = []
            continue
        tok, _, tag = line.rpartition(" ")
        if not tok:
            tok, tag = line, "O"
        tokens.append((tok, tag))
    return items


def item(tokens):
    text, gold, open_, pos = "", [], None, 0
    for tok, tag in tokens:
        prefix, _, label = tag.partition("-")
        label = label.lower()
        continues = prefix in ("I", "E") and open_ is not None and open_[0] == label
        if not continues:
            if open_ is not None:
                gold.append((open_[0], open_[1], pos))
                open_ = None
            if prefix != "O":
                open_ = (label, pos)
        text += tok
        pos += len(tok)
        if prefix in ("E", "S") and open_ is not None:
            gold.append((open_[0], open_[1], pos))
            open_ = None
    if open_ is not None:
        gold.append((open_[0], open_[1], pos))
    return text, gold


def cases(items):
    """Written cases (text, gold district) and Shanghai omitted cases (text without admin)."""
    written, sh_written, sh_omitted = [], [], []
    for text, gold in items:
        dist = next((g for g in gold if g[0] == "district"), None)
        if dist is None:
            continue
        head = text[dist[1]:dist[2]][:2]
        written.append((text, head))
        elsewhere = any(g[0] in ("prov", "city") and not text[g[1]:g[2]].startswith(("上", "沪"))
                        for g in gold)
        if head in SHANGHAI and not elsewhere:
            sh_written.append((text, head))
            drop = [(g[1], g[2]) for g in gold if g[0] in ("prov", "city", "district")]
            rest = "".join(c for k, c in enumerate(text) if not any(s <= k < e for s, e in drop))
            sh_omitted.append((rest, head))
    return written, sh_written, sh_omitted


def accuracy(found, cases_):
    ok = sum(1 for f, (_, head) in zip(found, cases_) if f and f[:2] == head)
    return 100.0 * ok / len(cases_) if cases_ else 0.0, len(cases_)


def run_jionlp(texts):
    import jionlp
    out = []
    for t in texts:
        try:
            county = jionlp.parse_location(t).get("county")
        except Exception:  # noqa: BLE001 — a tool failure counts as no district
            county = None
        out.append(county)
    return out


def run_cpca(texts):
    import cpca
    df = cpca.transform(texts)
    return [d if isinstance(d, str) and d else None for d in df["区"].tolist()]


def yiwang(data):
    """Runs the eval for its district lines, then `eval --speed` (a process that only parses the
    same addresses, over and over for five seconds) for the throughput."""
    cmd = ["cargo", "run", "--release", "-q", "-p", "yiwang-address", "--example", "eval", "--", data]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    per_file = re.findall(
        r"district accuracy, written: ([\d.]+)% of (\d+); Shanghai written: ([\d.]+)% of (\d+); "
        r"Shanghai omitted \(prov/city/district deleted\): ([\d.]+)% of (\d+)", out)
    fast = subprocess.run(cmd + ["--speed"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout
    speed = re.search(r"throughput: (\d+) addresses/s", fast)
    return per_file, int(speed.group(1)) if speed else None, " ".join(cmd) + " [--speed]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "address"))
    ap.add_argument("--skip-yiwang", action="store_true")
    args = ap.parse_args()
    ensure_venv()
    import importlib.metadata as md
    versions = {p: md.version(p) for p in ("jionlp", "cpca")}

    rows = []
    all_texts = []
    t0 = time.perf_counter()
    import jionlp  # noqa: F401 — import time is not parse time
    import cpca  # noqa: F401
    print(f"imports: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    for file, name in FILES:
        items = read_items(os.path.join(args.data, file))
        all_texts.extend(t for t, _ in items)
        written, shw, sho = cases(items)
        row = {"name": name, "n": len(items)}
        for tool, run in (("jionlp", run_jionlp), ("cpca", run_cpca)):
            row[tool] = [accuracy(run([t for t, _ in c]), c) for c in (written, shw, sho)]
            print(f"{name}: {tool} done", file=sys.stderr)
        rows.append(row)

    speed = {}
    t = time.perf_counter()
    run_jionlp(all_texts)
    speed["jionlp"] = len(all_texts) / (time.perf_counter() - t)
    t = time.perf_counter()
    run_cpca(all_texts)
    speed["cpca"] = len(all_texts) / (time.perf_counter() - t)

    ours, ours_speed, ours_cmd = ([], None, "")
    if not args.skip_yiwang:
        ours, ours_speed, ours_cmd = yiwang(args.data)

    print(f"\njionlp {versions['jionlp']}, cpca {versions['cpca']}; {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}; yiwang: `{ours_cmd}`\n")
    print("| corpus | measure | yiwang | jionlp | cpca |")
    print("|---|---|---|---|---|")
    labels = ["district, written", "Shanghai, written", "Shanghai, omitted"]
    for k, row in enumerate(rows):
        for m, label in enumerate(labels):
            y = "—"
            if k < len(ours):
                pct, n = ours[k][2 * m], ours[k][2 * m + 1]
                y = f"{float(pct):.1f}% of {n}"
            j = "{:.1f}% of {}".format(*row["jionlp"][m])
            c = "{:.1f}% of {}".format(*row["cpca"][m])
            print(f"| {row['name']} ({row['n']:,}) | {label} | {y} | {j} | {c} |")
    y = f"{ours_speed:,}" if ours_speed else "—"
    print(f"| all three ({len(all_texts):,}) | addresses/s, one thread | {y} | "
          f"{speed['jionlp']:,.0f} | {speed['cpca']:,.0f} |")
    if ours_speed:
        print(f"\nyiwang / jionlp: {ours_speed / speed['jionlp']:,.0f}x; "
              f"yiwang / cpca: {ours_speed / speed['cpca']:,.1f}x")


if __name__ == "__main__":
    main()
