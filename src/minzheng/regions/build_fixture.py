"""Builds data/jining_regions.csv: the real 济宁 city and 11 county codes (GB/T 2260, policy.md) and a
deterministic demo tree below them — 156 townships and 4,401 villages/communities (seed 002, 004) —
plus 762 grids under 任城区's communities (seed 000). Run once; the CSV is the versioned fixture.

    python -m minzheng.regions.build_fixture
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

CITY = ("370800", "济宁市")
# (code, name, townships, of which 街道) — township counts sum to 156 (seed 002/004)
COUNTIES = [
    ("370811", "任城区", 17, 11),
    ("370812", "兖州区", 11, 6),
    ("370826", "微山县", 16, 3),
    ("370827", "鱼台县", 11, 2),
    ("370828", "金乡县", 14, 4),
    ("370829", "嘉祥县", 16, 3),
    ("370830", "汶上县", 15, 3),
    ("370831", "泗水县", 13, 2),
    ("370832", "梁山县", 15, 3),
    ("370881", "曲阜市", 12, 4),
    ("370883", "邹城市", 16, 4),
]
VILLAGES_TOTAL = 4401
GRIDS_RENCHENG = 762

_SYL = list("安宝昌崇大东丰福光和华惠吉嘉金锦康乐利龙明南平庆仁瑞胜泰田王文西祥新兴阳永裕长正中洙泗鲁邹峄凫")


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        n = rng.choice(_SYL) + rng.choice(_SYL)
        if n not in used and n[0] != n[1]:
            used.add(n)
            return n


def build(path: Path) -> int:
    rng = random.Random(370800)  # noqa: S311 - deterministic demo names, not security
    rows: list[tuple[str, str, str, str, str]] = [(CITY[0], CITY[1], "city", "", "0")]
    townships: list[tuple[str, bool]] = []
    for code, name, n_town, n_street in COUNTIES:
        rows.append((code, name, "county", CITY[0], "0"))
        used: set[str] = set()
        for i in range(n_town):
            street = i < n_street
            tcode = code + (f"{i + 1:03d}" if street else f"{100 + i - n_street + 1:03d}")
            tname = _name(rng, used) + ("街道" if street else "镇")
            rows.append((tcode, tname, "township", code, "1" if street else "0"))
            townships.append((tcode, street))
    # Spread 4,401 villages: streets have fewer, larger communities; towns many villages.
    weights = [12 if street else 32 for _, street in townships]
    counts = [max(5, round(w * (0.75 + 0.5 * rng.random()))) for w in weights]
    diff = VILLAGES_TOTAL - sum(counts)
    i = 0
    while diff != 0:
        step = 1 if diff > 0 else -1
        if counts[i % len(counts)] + step >= 5:
            counts[i % len(counts)] += step
            diff -= step
        i += 1
    rencheng_communities: list[str] = []
    for (tcode, street), n in zip(townships, counts, strict=True):
        used_v: set[str] = set()
        n_comm = n if street else max(1, n // 10)  # towns keep a few communities at the seat
        for j in range(n):
            urban = j < n_comm
            vcode = tcode + (f"{j + 1:03d}" if urban else f"{200 + j - n_comm + 1:03d}")
            vname = _name(rng, used_v) + ("社区" if urban else "村")
            rows.append((vcode, vname, "village", tcode, "1" if urban else "0"))
            if urban and tcode.startswith("370811"):
                rencheng_communities.append(vcode)
    # 762 grids under 任城区's urban communities (seed 000: 任城区划分762个网格).
    per = [GRIDS_RENCHENG // len(rencheng_communities)] * len(rencheng_communities)
    for k in range(GRIDS_RENCHENG - sum(per)):
        per[k] += 1
    for vcode, n in zip(rencheng_communities, per, strict=True):
        for g in range(n):
            rows.append((vcode + f"{g + 1:03d}", f"第{g + 1}网格", "grid", vcode, "1"))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "level", "parent", "is_urban"])
        w.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    out = Path(__file__).parent / "data" / "jining_regions.csv"
    print(build(out), "rows →", out)
