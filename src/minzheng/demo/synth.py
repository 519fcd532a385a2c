"""Synthetic 济宁市 (Jining) city written as one monthly data-exchange snapshot.

Output follows the exchange contract (exchange/contract.py, shared/docs/exchange.md):
``out_dir/<month>/<source>.parquet|csv`` for the 17 sources plus ``manifest.json``, and
``out_dir/enrolments.parquet`` (who is already enrolled in dibao / tekun / high-age / child benefits),
so screening rules have realistic people to find.

Everything is vectorised with numpy/pyarrow and generated in chunks of whole households (~1 M persons),
each chunk written straight to one writer per source, so 8.3 M persons fit in well under 3 GB. A seed
gives byte-identical files: every chunk draws from its own ``SeedSequence`` child and chunks are written
in order. Rates cite the seed documents (shared/seeds, numbered 000–004) or the anchor benchmark
(shared/bench/anchor_limit.py); the rest are demo defaults.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import math
import re
import resource
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from minzheng.exchange.contract import ENROLMENTS, SOURCES

Arr = npt.NDArray[Any]

FULL_CITY = 8_300_000  # registered population (seed 004: 163万 aged 60+ = 19.5 % of hukou population)
CHUNK_PERSONS = 1_000_000
REGIONS_CSV = Path(__file__).resolve().parent.parent / "regions" / "data" / "jining_regions.csv"

URBAN_STD, RURAL_STD = 719, 537  # dibao standard from 2021 (policy.md, seed 002)
# Enrolled caseload for the whole city (seed 002: 16.3万 dibao persons, 3.6万 tekun); scaled by N / 8.3 M.
DIBAO_PERSONS, TEKUN_PERSONS = 163_000, 36_000

# The files written are the exchange contract's; the enrolments file carries no 渐退期 month (last_month).
ENROLMENT_SCHEMA = pa.schema([(c.name, c.type) for c in ENROLMENTS.columns if c.name != "last_month"])
PROGRAMMES = ["dibao", "tekun", "high_age", "child"]

RELATIONS = ["head", "spouse", "child", "parent", "grandchild", "other"]
HEAD, SPOUSE, CHILD, PARENT, GRANDCHILD, OTHER = range(6)

# Age of household heads (piecewise-linear weights). Tuned so the city has ~19.5 % aged 60+ (seed 004),
# ~2.4 % aged 80+ and ~19 % minors, with a few centenarians.
_FAMILY_HEAD_AGES = [
    (18, 0.02),
    (22, 0.3),
    (28, 0.9),
    (35, 1.2),
    (45, 1.3),
    (55, 1.25),
    (65, 1.08),
    (72, 0.6),
    (78, 0.3),
    (84, 0.1),
    (90, 0.025),
    (95, 0.004),
    (100, 0.0015),
    (104, 0.0),
]
_SINGLE_HEAD_AGES = [
    (18, 0.3),
    (22, 1.0),
    (30, 0.8),
    (45, 0.45),
    (60, 0.6),
    (70, 0.8),
    (78, 0.5),
    (85, 0.22),
    (90, 0.07),
    (95, 0.012),
    (100, 0.004),
    (104, 0.0),
]

# Common surnames (weights ~ national frequency) plus the Jining lineages 孔 (曲阜), 孟 (邹城), 颜.
_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段颜"
)
_SURNAME_WEIGHTS = np.array(
    [7.2, 7.0, 6.8, 5.4, 4.5, 3.1, 2.3, 2.2, 2.1, 2.0]
    + [1.2] * 20
    + [0.7] * 30
    + [0.4] * (len(_SURNAMES) - 60),
    dtype=np.float64,
)
_SURNAME_BOOST = {"370881": ("孔", 25.0), "370883": ("孟", 12.0)}  # 曲阜 Kong, 邹城 Meng
_GIVEN_M = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆帅旭宇晨峰建国庆志文博立新成海东兴德"
_GIVEN_F = "芳娜敏静丽艳娟霞燕玲桂英秀兰萍红梅琳雪倩颖慧莉婷欣悦佳雨晓玉凤洁琴云月华春霞丹璐"


# ----------------------------------------------------------------------------- small vectorised helpers
def _cdf_choice(rng: np.random.Generator, weights: Arr, k: int) -> Arr:
    """k draws of indices with probability ∝ weights (inverse CDF; faster than rng.choice with p)."""
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.minimum(np.searchsorted(cdf, rng.random(k) * cdf[-1], side="right"), len(cdf) - 1)


def _piecewise(points: list[tuple[int, float]], top: int = 105) -> Arr:
    ages = np.arange(top + 1)
    xs, ys = zip(*points, strict=True)
    w = np.interp(ages, xs, ys)
    w[:18] = 0.0
    return np.asarray(w / w.sum())


def _lognormal(rng: np.random.Generator, median: float, sigma: float, k: int) -> Arr:
    return rng.lognormal(math.log(median), sigma, k)


def _round_int(x: Arr, unit: int = 1) -> Arr:
    """Half-up rounding to a multiple of unit, as int64 (policy.md: amounts round half up)."""
    return (np.floor(np.asarray(x, dtype=np.float64) / unit + 0.5) * unit).astype(np.int64)


def _digits(x: Arr, width: int) -> Arr:
    """Zero-padded ASCII digits of non-negative ints as a (n, width) uint8 matrix."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((np.asarray(x, dtype=np.int64)[:, None] // powers) % 10 + 48).astype(np.uint8)


def _ascii(mat: Arr) -> pa.Array:
    """Fixed-width ASCII rows (uint8 matrix) -> arrow string array without per-row Python work."""
    mat = np.ascontiguousarray(mat, dtype=np.uint8)
    n, width = mat.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(mat))


def _labels(labels: list[str] | tuple[str, ...], idx: Arr) -> pa.Array:
    return pa.array(list(labels), pa.string()).take(pa.array(np.asarray(idx, dtype=np.int32)))


def _dates(days: Arr) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), pa.int32()).cast(pa.date32())


def _ymd(days: Arr) -> tuple[Arr, Arr, Arr]:
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _month_strings(month_index: Arr) -> pa.Array:
    """Months since 1970-01 -> "YYYY-MM"."""
    mi = np.asarray(month_index, dtype=np.int64)
    mat = np.empty((len(mi), 7), np.uint8)
    mat[:, :4] = _digits(mi // 12 + 1970, 4)
    mat[:, 4] = ord("-")
    mat[:, 5:] = _digits(mi % 12 + 1, 2)
    return _ascii(mat)


def _const_strings(value: str, n: int) -> pa.Array:
    raw = np.frombuffer(value.encode("ascii"), np.uint8)
    return _ascii(np.tile(raw, (n, 1)) if n else np.empty((0, len(raw)), np.uint8))


def _group_rank(keys: Arr) -> Arr:
    """0-based rank of each element among equal keys, in input order (vectorised)."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    first = np.ones(len(sk), bool)
    first[1:] = sk[1:] != sk[:-1]
    run_start = np.maximum.accumulate(np.where(first, np.arange(len(sk)), 0))
    rank = np.empty(len(keys), np.int64)
    rank[order] = np.arange(len(sk)) - run_start
    return rank


def _first_in_group(mask: Arr, group: Arr, n_groups: int) -> Arr:
    """Index of the first row with mask set in each group, -1 where none."""
    out = np.full(n_groups, -1, np.int64)
    idx = np.flatnonzero(mask)
    g, first = np.unique(group[idx], return_index=True)
    out[g] = idx[first]
    return out


_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", np.uint8)
_USCC_CHARS = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", np.uint8)
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)


def id_numbers(county6: Arr, birth_days: Arr, seq3: Arr) -> pa.Array:
    """GB 11643 numbers: county (6) + birth date (8) + sequence (3) + ISO 7064 MOD 11-2 check char."""
    y, m, d = _ymd(birth_days)
    first17 = county6.astype(np.int64) * 10**11 + (y * 10000 + m * 100 + d) * 1000 + seq3
    mat = np.empty((len(first17), 18), np.uint8)
    mat[:, :17] = _digits(first17, 17)
    mat[:, 17] = _ID_CHECK[((mat[:, :17].astype(np.int64) - 48) @ _ID_WEIGHTS) % 11]
    return _ascii(mat)


def credit_codes(prefix2: Arr, county6: Arr, serial9: Arr) -> pa.Array:
    """GB 32100 unified social credit codes (numeric body; check char mod 31)."""
    body = (prefix2.astype(np.int64) * 10**6 + county6) * 10**9 + serial9
    mat = np.empty((len(body), 18), np.uint8)
    mat[:, :17] = _digits(body, 17)
    c = 31 - ((mat[:, :17].astype(np.int64) - 48) @ _USCC_WEIGHTS) % 31
    mat[:, 17] = _USCC_CHARS[np.where(c == 31, 0, c)]
    return _ascii(mat)


# ----------------------------------------------------------------------------- city-wide state
@dataclass
class _City:
    month: str
    month_index: int  # months since 1970-01
    month_start: int  # days since 1970-01-01
    month_end: int
    village_code: Arr  # 12-digit codes (int64)
    village_county: Arr  # county index
    village_urban: Arr  # bool
    village_weight: Arr
    county6: Arr  # 6-digit county codes
    county_names: list[str]
    day0: int  # earliest birth day the ID counters cover
    id_counters: Arr = field(default_factory=lambda: np.zeros(0, np.int32))
    household_serial: Arr = field(default_factory=lambda: np.zeros(0, np.int64))
    property_serial: int = 0
    business_serial: int = 0


def _load_regions() -> tuple[list[tuple[str, str, bool]], dict[str, str]]:
    villages: list[tuple[str, str, bool]] = []
    counties: dict[str, str] = {}
    with REGIONS_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["level"] == "county":
                counties[row["code"]] = row["name"]
            elif row["level"] == "village":
                villages.append((row["code"], row["name"], row["is_urban"] == "1"))
    return villages, counties


def _make_city(month: str, rng: np.random.Generator) -> _City:
    villages, counties = _load_regions()
    county_codes = sorted(counties)
    cidx = {c: i for i, c in enumerate(county_codes)}
    vcode = np.array([int(v[0]) for v in villages], np.int64)
    vcounty = np.array([cidx[v[0][:6]] for v in villages], np.int64)
    vurban = np.array([v[2] for v in villages], bool)
    # Uneven village sizes; urban communities are denser than rural villages.
    weight = rng.lognormal(0.0, 0.55, len(vcode)) * np.where(vurban, 1.8, 1.0)
    y, m = (int(x) for x in month.split("-"))
    mi = (y - 1970) * 12 + m - 1
    start = int(np.datetime64(f"{y:04d}-{m:02d}", "M").astype("datetime64[D]").astype(np.int64))
    end = int((np.datetime64(f"{y:04d}-{m:02d}", "M") + 1).astype("datetime64[D]").astype(np.int64)) - 1
    day0 = end - 112 * 366
    return _City(
        month=month,
        month_index=mi,
        month_start=start,
        month_end=end,
        village_code=vcode,
        village_county=vcounty,
        village_urban=vurban,
        village_weight=weight,
        county6=np.array([int(c) for c in county_codes], np.int64),
        county_names=[counties[c] for c in county_codes],
        day0=day0,
        id_counters=np.zeros(len(county_codes) * (end - day0 + 1) * 2, np.int32),
        household_serial=np.zeros(len(county_codes), np.int64),
    )


def allocate_id_sequences(city: _City, county: Arr, birth: Arr, male: Arr) -> tuple[Arr, Arr]:
    """Unique 3-digit sequence per (county, birth date, sex) across all chunks: rank within the group
    plus the running counter; a group that is full (500 per sex) moves its overflow one day earlier.
    Returns (birth days, possibly shifted; sequence code 0–999 with odd = male)."""
    birth = birth.copy()
    seq = np.empty(len(birth), np.int64)
    pending = np.arange(len(birth))
    ndays = city.month_end - city.day0 + 1
    while len(pending):
        key = (county[pending] * ndays + (birth[pending] - city.day0)) * 2 + male[pending]
        s = city.id_counters[key] + _group_rank(key)
        ok = s < 500
        seq[pending[ok]] = s[ok]
        city.id_counters += np.bincount(key[ok], minlength=len(city.id_counters)).astype(np.int32)
        pending = pending[~ok]
        birth[pending] -= 1
    return birth, seq * 2 + male


# ----------------------------------------------------------------------------- one chunk of households
@dataclass
class _Chunk:
    tables: dict[str, pa.Table]
    enrolments: pa.Table
    households: int
    low_income_households: int
    dibao_households: int


def _households(rng: np.random.Generator, n: int) -> Arr:
    """Household sizes 1 + Poisson(1.8) (mean 2.8, as anchor_limit.generate), truncated to n persons."""
    sizes = 1 + rng.poisson(1.8, int(n / 2.8 * 1.1) + 64)
    while sizes.sum() < n:
        sizes = np.concatenate([sizes, 1 + rng.poisson(1.8, n // 20 + 64)])
    cs = np.cumsum(sizes)
    h = int(np.searchsorted(cs, n)) + 1
    sizes = sizes[:h].copy()
    sizes[-1] -= int(cs[h - 1] - n)
    return sizes


def _people(rng: np.random.Generator, sizes: Arr, hh: Arr, pos: Arr) -> tuple[Arr, Arr, Arr]:
    """Relations, ages (whole years at month end) and sex, coherent within each household."""
    n, h = len(hh), len(sizes)
    head_age = np.where(
        sizes == 1,
        _cdf_choice(rng, _piecewise(_SINGLE_HEAD_AGES), h),
        _cdf_choice(rng, _piecewise(_FAMILY_HEAD_AGES), h),
    )
    rel = np.full(n, CHILD, np.int8)
    rel[pos == 0] = HEAD
    with_spouse = (sizes >= 2) & (rng.random(h) < 0.88)
    rel[(pos == 1) & with_spouse[hh]] = SPOUSE
    # A parent (60+) lives with middle-aged heads sometimes; three generations under older heads.
    with_parent = (sizes >= 3) & (head_age >= 38) & (head_age <= 60) & (rng.random(h) < 0.22)
    rel[(pos == sizes[hh] - 1) & with_parent[hh]] = PARENT
    three_gen = (sizes >= 4) & (head_age >= 48) & (rng.random(h) < 0.55)
    rel[(pos >= 3) & (rel == CHILD) & three_gen[hh]] = GRANDCHILD
    rel[(rel == CHILD) & (rng.random(n) < 0.02)] = OTHER

    ha = head_age[hh].astype(np.float64)
    u = rng.random(n)
    age = ha.copy()
    m = rel == SPOUSE
    age[m] = np.clip(ha[m] + np.round(rng.normal(-2.0, 3.0, int(m.sum()))), 18, 104)
    m = rel == CHILD
    c = ha[m] - 20 - np.floor(u[m] * 19)
    bad = c < 0
    c[bad] = np.floor(rng.random(int(bad.sum())) * np.maximum(ha[m][bad] - 16, 1))
    age[m] = c
    m = rel == GRANDCHILD
    c = ha[m] - 44 - np.floor(u[m] * 23)
    bad = c < 0
    c[bad] = np.floor(rng.random(int(bad.sum())) * 5)
    age[m] = c
    m = rel == PARENT
    age[m] = np.clip(ha[m] + 22 + np.floor(u[m] * 15), 60, 104)
    m = rel == OTHER
    age[m] = np.floor(u[m] * 90)

    # Heads of families are mostly men; older people living alone are more often women.
    r = rng.random(n)
    male = r < 0.5
    head_male = np.where(sizes == 1, np.where(head_age >= 70, 0.4, 0.55), 0.75) > rng.random(h)
    male[rel == HEAD] = head_male
    male[rel == SPOUSE] = ~head_male[hh[rel == SPOUSE]]
    male[rel == PARENT] = r[rel == PARENT] < 0.4
    return rel, age.astype(np.int64), male


def _exact_age(city: _City, birth: Arr) -> Arr:
    y, m, d = _ymd(birth)
    ey, em, ed = _ymd(np.array([city.month_end]))
    return ey[0] - y - ((m > em[0]) | ((m == em[0]) & (d > ed[0]))).astype(np.int64)


def _names(
    rng: np.random.Generator, city: _City, county: Arr, hh: Arr, starts: Arr, rel: Arr, male: Arr
) -> pa.Array:
    n = len(hh)
    sur = np.empty(n, np.int64)
    for ci, code in enumerate(city.county6):
        idx = np.flatnonzero(county == ci)
        w = _SURNAME_WEIGHTS.copy()
        if str(code) in _SURNAME_BOOST:
            ch, boost = _SURNAME_BOOST[str(code)]
            w[_SURNAMES.index(ch)] *= boost
        sur[idx] = _cdf_choice(rng, w, len(idx))
    # Children and grandchildren mostly carry the head's (father's) surname.
    inherit = ((rel == CHILD) | (rel == GRANDCHILD)) & (rng.random(n) < 0.9)
    sur[inherit] = sur[starts[hh[inherit]]]
    g1 = np.where(male, rng.integers(0, len(_GIVEN_M), n), len(_GIVEN_M) + rng.integers(0, len(_GIVEN_F), n))
    g2 = np.where(male, rng.integers(0, len(_GIVEN_M), n), len(_GIVEN_M) + rng.integers(0, len(_GIVEN_F), n))
    g2 = np.where(rng.random(n) < 0.25, len(_GIVEN_M) + len(_GIVEN_F), g2)  # a quarter have one-char names
    given = [*_GIVEN_M, *_GIVEN_F, ""]
    return pc.binary_join_element_wise(
        _labels(list(_SURNAMES), sur), _labels(given, g1), _labels(given, g2), ""
    )


def _pick(rng: np.random.Generator, prob: Arr) -> Arr:
    return np.flatnonzero(rng.random(len(prob)) < prob)


def _top_k(rng: np.random.Generator, weights: Arr, k: int) -> Arr:
    """Weighted sample without replacement (exponential keys), in draw order."""
    keys = rng.exponential(1.0, len(weights)) / np.maximum(weights, 1e-12)
    return np.argsort(keys, kind="stable")[: min(k, len(weights))]


def _chunk(city: _City, rng: np.random.Generator, n: int) -> _Chunk:
    me, ms = city.month_end, city.month_start
    scale = n / FULL_CITY

    # --- households, villages, hukou
    sizes = _households(rng, n)
    h = len(sizes)
    hh = np.repeat(np.arange(h), sizes)
    starts = np.cumsum(sizes) - sizes
    pos = np.arange(n) - starts[hh]
    village = _cdf_choice(rng, city.village_weight, h)
    county_h = city.village_county[village]
    # seed/brief: urban communities mostly urban hukou (85 %), rural villages mostly rural (90 %)
    urban_h = np.where(city.village_urban[village], rng.random(h) < 0.85, rng.random(h) < 0.10)
    county = county_h[hh]
    urban = urban_h[hh]
    std_h = np.where(urban_h, URBAN_STD, RURAL_STD)

    # --- people and identities
    rel, age, male = _people(rng, sizes, hh, pos)
    birth = me - np.floor((age + rng.random(n)) * 365.2425).astype(np.int64)
    birth, seq3 = allocate_id_sequences(city, county, birth, male.astype(np.int64))
    age = _exact_age(city, birth)
    ids = id_numbers(city.county6[county], birth, seq3)
    # household_no: county code + 10-digit serial within the county
    hserial = np.empty(h, np.int64)
    for ci in range(len(city.county6)):
        idx = np.flatnonzero(county_h == ci)
        hserial[idx] = city.household_serial[ci] + 1 + np.arange(len(idx))
        city.household_serial[ci] += len(idx)
    hno_h = _ascii(_digits(city.county6[county_h] * 10**10 + hserial, 16))
    hno = hno_h.take(pa.array(hh))
    persons = pa.table(
        {
            "id_number": ids,
            "name": _names(rng, city, county, hh, starts, rel, male),
            "sex": _labels(["F", "M"], male.astype(np.int8)),
            "birth_date": _dates(birth),
            "hukou_type": _labels(["rural", "urban"], urban.astype(np.int8)),
            "hukou_region": _ascii(_digits(city.village_code[village][hh], 12)),
            "household_no": hno,
            "relation": _labels(RELATIONS, rel),
        },
        schema=SOURCES["persons"].schema,
    )

    def rows(idx: Arr) -> pa.Array:
        return ids.take(pa.array(np.asarray(idx, dtype=np.int64)))

    adult = age >= 18
    working = adult & (age < 60)

    # --- disability (~6 % of persons, rising with age; 残联 card holders)
    p_dis = np.select([age < 18, age < 40, age < 60, age < 80], [0.015, 0.035, 0.065, 0.12], 0.22)
    dis_idx = _pick(rng, p_dis)
    grade = np.zeros(n, np.int8)
    grade[dis_idx] = 1 + _cdf_choice(rng, np.array([0.12, 0.20, 0.30, 0.38]), len(dis_idx))
    dis_kinds = ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"]
    dis_kind = _cdf_choice(rng, np.array([0.13, 0.14, 0.01, 0.45, 0.08, 0.09, 0.10]), len(dis_idx))
    issued = me - np.floor(rng.random(len(dis_idx)) * np.minimum(age[dis_idx] * 365.25 + 1, 15 * 365.25))
    disability = pa.table(
        {
            "id_number": rows(dis_idx),
            "grade": pa.array(grade[dis_idx], pa.int8()),
            "kind": _labels(dis_kinds, dis_kind),
            "issued_date": _dates(issued),
        }
    )
    severe = (grade >= 1) & (grade <= 2)

    # --- deaths: ~0.7 %/yr (anchor_limit), Gompertz-weighted to the elderly, dated over the last 12 months
    q = 5e-5 * np.exp(0.09 * age)
    d_idx = _pick(rng, np.minimum(q * (0.007 / q.mean()), 0.6))
    # An infant cannot die before being born: clamp to the birth date (found by the importer's check).
    death_day = np.maximum(me - rng.integers(0, 365, len(d_idx)), birth[d_idx])
    dead_before = np.zeros(n, bool)  # died before this month: no wage or benefit this month
    dead_before[d_idx[death_day < ms]] = True
    dead = np.zeros(n, bool)
    dead[d_idx] = True
    deaths = pa.table({"id_number": rows(d_idx), "death_date": _dates(death_day)})

    # --- poverty: ~3.5 % of households below the dibao standard (brief: 2–4 %); rural, elderly living
    # alone and households with a severely disabled member are likelier (seed 002 caseload profile).
    p_poor = np.where(urban_h, 0.02, 0.03) * np.where((sizes == 1) & (age[starts] >= 60), 2.5, 1.0)
    p_poor = p_poor * np.where(np.bincount(hh, severe, h) > 0, 2.0, 1.0)
    poor_h = rng.random(h) < p_poor
    poor = poor_h[hh]

    # --- wages: after the top-ups below ~57 % of those aged 18–59 and ~45 % of all adults earn, as in
    # anchor_limit.generate (0.57 for 18–59, "~45% of adults"); lognormal, median ~3,200.
    p_wage = np.select(
        [age < 18, age < 22, age < 30, age < 50, age < 60, age < 65, age < 70],
        [0.0, 0.15, 0.40, 0.42, 0.28, 0.06, 0.02],
        0.0,
    ) * np.where(urban, 1.2, 0.85)
    wage = np.where(rng.random(n) < p_wage, _round_int(_lognormal(rng, 3200, 0.55, n)), 0)
    wage = np.maximum(wage, np.where(wage > 0, 300, 0))
    # --- pensions: employee scheme ~3,000 (urban), resident scheme ~220 (mostly rural)
    pension_p = np.where(age >= 60, 0.93, np.where(urban & ~male & (age >= 50), 0.3, 0.0))
    has_pension = rng.random(n) < pension_p
    employee = has_pension & (rng.random(n) < np.where(urban, 0.62, 0.08))
    pension = (
        np.where(
            employee,
            _round_int(_lognormal(rng, 3000, 0.3, n)),
            np.maximum(_round_int(_lognormal(rng, 220, 0.2, n)), 150),
        )
        * has_pension
    )
    # --- unemployment insurance: a small share of working-age adults without a wage (~90 % of min wage)
    un_idx = _pick(rng, np.where(working & (wage == 0), np.where(urban, 0.012, 0.004), 0.0))
    un_start = me - rng.integers(0, 540, len(un_idx))
    un_end = un_start + rng.integers(3, 25, len(un_idx)) * 30
    un_amount = _round_int(rng.normal(1710, 60, len(un_idx)))
    unemp = np.zeros(n, np.int64)
    active = (un_end >= ms) & ~poor[un_idx]
    unemp[un_idx[active]] = un_amount[active]

    # Poor households: no regular wage, resident-scheme pensions only, perhaps one small casual wage.
    wage[poor] = 0
    employee &= ~poor
    pension = np.where(poor & has_pension, np.maximum(_round_int(_lognormal(rng, 200, 0.2, n)), 150), pension)
    pens_h = np.bincount(hh, pension, h)
    casual = _first_in_group(poor & working, hh, h)
    target = rng.uniform(0.2, 0.95, h) * std_h * sizes - pens_h
    give = poor_h & (casual >= 0) & (target >= 200) & (rng.random(h) < 0.6)
    wage[casual[give]] = _round_int(target[give], 10)

    # Everyone else has at least the standard per head: households short of it get a (larger) wage for
    # their first working-age member, or an employee-scheme pension (e.g. land-loss pension) for elders.
    income_h = np.bincount(hh, wage + pension + unemp, h)
    short = ~poor_h & (income_h < std_h * sizes)
    need = _round_int(rng.uniform(1.05, 2.4, h) * std_h * sizes - income_h, 10)
    earner = _first_in_group((age >= 18) & (age < 60), hh, h)
    to_wage = short & (earner >= 0)
    typical = _round_int(_lognormal(rng, 2700, 0.5, h))
    wage[earner[to_wage]] += np.maximum(need[to_wage], typical[to_wage])
    to_pension = starts[short & (earner < 0)]
    pension[to_pension] += np.maximum(
        need[hh[to_pension]], _round_int(_lognormal(rng, 2000, 0.4, len(to_pension)))
    )
    employee[to_pension] = True
    has_pension[to_pension] = True

    wage[dead_before] = 0
    stale = dead_before & (rng.random(n) < 0.2)  # pension data lags deaths for some (a monitoring signal)
    pension[dead_before & ~stale] = 0
    has_pension &= pension > 0
    unemp[dead_before] = 0
    un_keep = ~dead_before[un_idx] & ~poor[un_idx]

    w_idx = np.flatnonzero(wage > 0)
    employer = np.minimum(np.floor(rng.pareto(1.1, len(w_idx)) * 40), 299_999).astype(np.int64)
    emp_county = city.county6[county[w_idx]]
    wages = pa.table(
        {
            "id_number": rows(w_idx),
            "month": _const_strings(city.month, len(w_idx)),
            "employer_code": credit_codes(np.full(len(w_idx), 91), emp_county, 10_000_000 + employer * 3137),
            "amount": pa.array(wage[w_idx], pa.int64()),
        }
    )
    p_idx = np.flatnonzero(has_pension)
    pensions = pa.table(
        {
            "id_number": rows(p_idx),
            "scheme": _labels(["resident", "employee"], employee[p_idx].astype(np.int8)),
            "monthly_amount": pa.array(pension[p_idx], pa.int64()),
        }
    )
    unemployment = pa.table(
        {
            "id_number": rows(un_idx[un_keep]),
            "start_date": _dates(un_start[un_keep]),
            "end_date": _dates(un_end[un_keep]),
            "monthly_amount": pa.array(un_amount[un_keep], pa.int64()),
        }
    )

    # --- housing fund: most urban wage earners, some rural (12 % + 12 % of the wage)
    hf_idx = np.flatnonzero((wage > 0) & ~poor & (rng.random(n) < np.where(urban, 0.6, 0.25)))
    contrib = np.maximum(_round_int(wage[hf_idx] * 0.24), 100)
    housing_fund = pa.table(
        {
            "id_number": rows(hf_idx),
            "monthly_contribution": pa.array(contrib, pa.int64()),
            "balance": pa.array(_round_int(contrib * rng.uniform(3, 120, len(hf_idx))), pa.int64()),
        }
    )

    # --- vehicles: ~18 % of adults (anchor_limit), 12 % of owners have two; poor only disability vehicles
    p_veh = np.select([age < 18, age < 25, age < 60, age < 70], [0.0, 0.10, 0.24, 0.12], 0.03) * ~poor
    p_veh = np.where(poor & adult & (grade > 0), 0.05, p_veh)
    v_own = _pick(rng, p_veh)
    v_idx = np.sort(np.concatenate([v_own, v_own[rng.random(len(v_own)) < 0.12]]))
    kinds = ["car", "truck", "motorcycle", "disability", "farm"]
    vk = np.where(
        urban[v_idx],
        _cdf_choice(rng, np.array([0.86, 0.03, 0.09, 0.005, 0.015]), len(v_idx)),
        _cdf_choice(rng, np.array([0.62, 0.08, 0.14, 0.005, 0.155]), len(v_idx)),
    )
    vk = np.where((grade[v_idx] > 0) & ((rng.random(len(v_idx)) < 0.35) | poor[v_idx]), 3, vk)
    v_med = np.array([90_000, 150_000, 4_000, 3_500, 20_000], np.float64)[vk]
    v_value = _round_int(v_med * rng.lognormal(0.0, 0.5, len(v_idx)), 100)
    v_reg = me - np.floor(rng.random(len(v_idx)) * np.clip((age[v_idx] - 18) * 365.25, 30, 15 * 365.25))
    vehicles = pa.table(
        {
            "id_number": rows(v_idx),
            "vehicle_kind": _labels(kinds, vk),
            "value": pa.array(v_value, pa.int64()),
            "registered_date": _dates(v_reg),
        }
    )

    # --- real estate: ~35 % of households (anchor_limit), owner the head or spouse; poor at most one home
    owns = rng.random(h) < np.where(poor_h, 0.3, 0.36)
    count = np.where(poor_h, 1, 1 + _cdf_choice(rng, np.array([0.70, 0.22, 0.06, 0.02]), h)) * owns
    re_h = np.repeat(np.arange(h), count)
    nth = np.arange(len(re_h)) - np.repeat(np.cumsum(count) - count, count)
    spouse_owner = (sizes[re_h] >= 2) & (rel[np.minimum(starts[re_h] + 1, n - 1)] == SPOUSE)
    re_idx = starts[re_h] + (spouse_owner & (rng.random(len(re_h)) < 0.2))
    use = np.where(nth == 0, 0, _cdf_choice(rng, np.array([0.6, 0.3, 0.1]), len(re_h)))
    area = np.where(
        use == 0,
        np.clip(rng.lognormal(math.log(100), 0.3, len(re_h)), 25, 400),
        np.where(
            use == 1, rng.lognormal(math.log(60), 0.7, len(re_h)), rng.lognormal(math.log(40), 0.6, len(re_h))
        ),
    )
    re_reg = me - rng.integers(30, 20 * 365, len(re_h))
    re_year, _, _ = _ymd(re_reg)
    re_serial = city.property_serial + 1 + np.arange(len(re_h))
    city.property_serial += len(re_h)
    prop_no = pc.binary_join_element_wise(
        "鲁（",
        _ascii(_digits(re_year, 4)),
        "）",
        _labels(city.county_names, county[re_idx]),
        "不动产权第",
        _ascii(_digits(re_serial, 7)),
        "号",
        "",
    )
    order = np.argsort(re_idx, kind="stable")
    real_estate = pa.table(
        {
            "id_number": rows(re_idx),
            "property_no": prop_no,
            "use": _labels(["residential", "commercial", "other"], use),
            "area_m2": pa.array(np.round(area, 2)),
            "registered_date": _dates(re_reg),
        }
    ).take(pa.array(order))

    # --- businesses: ~7 % of adults (anchor_limit); sole traders (个体户, code 92…) are the commonest
    b_idx = _pick(rng, np.where((age >= 20) & (age < 70) & ~poor, 0.085, 0.0))
    role = _cdf_choice(rng, np.array([0.27, 0.18, 0.55]), len(b_idx))  # legal_rep, shareholder, sole_trader
    capital = np.where(
        role == 2,
        _round_int(_lognormal(rng, 30_000, 1.0, len(b_idx)), 1000),
        _round_int(_lognormal(rng, 500_000, 1.1, len(b_idx)), 10_000),
    )
    capital = np.maximum(capital, 1000)
    b_serial = city.business_serial + 1 + np.arange(len(b_idx))
    city.business_serial += len(b_idx)
    b_active = rng.random(len(b_idx)) < 0.86
    businesses = pa.table(
        {
            "id_number": rows(b_idx),
            "credit_code": credit_codes(
                np.where(role == 2, 92, 91), city.county6[county[b_idx]], 200_000_000 + b_serial
            ),
            "role": _labels(["legal_rep", "shareholder", "sole_trader"], role),
            "registered_capital": pa.array(capital, pa.int64()),
            "status": _labels(["closed", "active"], b_active.astype(np.int8)),
        }
    )

    # --- tax: last year's declarations by wage earners above the 60,000/yr threshold and active owners
    annual = np.zeros(n, np.int64)
    high = (wage * 12 > 60_000) & ~dead_before
    annual[high] = _round_int(wage[high] * 12 * rng.uniform(0.9, 1.1, int(high.sum())))
    own = b_idx[b_active & (role != 1)]
    annual[own] += _round_int(_lognormal(rng, 80_000, 0.8, len(own)))
    t_idx = np.flatnonzero(annual > 0)
    tax = pa.table(
        {
            "id_number": rows(t_idx),
            "year": pa.array(np.full(len(t_idx), city.month_index // 12 + 1969), pa.int32()),
            "declared_income": pa.array(annual[t_idx], pa.int64()),
        }
    )

    # --- deposits: ~60 % of persons, lognormal median 15,000 (anchor_limit); poor households small sums
    p_dep = np.where(poor, 0.35, np.where(adult, 0.70, 0.30))
    dep_one = _pick(rng, p_dep)
    dep_idx = np.sort(np.concatenate([dep_one, dep_one[~poor[dep_one] & (rng.random(len(dep_one)) < 0.15)]]))
    balance = np.where(
        poor[dep_idx],
        _round_int(_lognormal(rng, 2500, 1.0, len(dep_idx))),
        _round_int(_lognormal(rng, 15_000, 1.5, len(dep_idx))),
    )
    banks = ["102", "103", "104", "105", "301", "313", "402", "403"]  # ICBC ABC BOC CCB BoCom city rural PSBC
    bank = _cdf_choice(rng, np.array([0.18, 0.17, 0.10, 0.15, 0.05, 0.08, 0.15, 0.12]), len(dep_idx))
    deposits = pa.table(
        {
            "id_number": rows(dep_idx),
            "bank_code": _labels(banks, bank),
            "balance": pa.array(balance, pa.int64()),
            "as_of": _dates(np.full(len(dep_idx), me)),
        }
    )

    # --- securities and insurance cash value: small shares of adults outside poor households
    s_idx = _pick(rng, np.where((age >= 25) & ~poor, np.where(urban, 0.07, 0.02), 0.0))
    securities = pa.table(
        {
            "id_number": rows(s_idx),
            "market_value": pa.array(_round_int(_lognormal(rng, 60_000, 1.3, len(s_idx))), pa.int64()),
            "as_of": _dates(np.full(len(s_idx), me)),
        }
    )
    i_idx = _pick(rng, np.where(adult & ~poor, 0.08, 0.0))
    insurance = pa.table(
        {
            "id_number": rows(i_idx),
            "policy_kind": _labels(
                ["whole_life", "endowment", "annuity", "universal", "critical_illness"],
                _cdf_choice(rng, np.array([0.25, 0.25, 0.2, 0.1, 0.2]), len(i_idx)),
            ),
            "cash_value": pa.array(_round_int(_lognormal(rng, 20_000, 1.1, len(i_idx))), pa.int64()),
        }
    )

    # --- medical out-of-pocket this month: more often for elders and the disabled; a few large bills
    med_idx = _pick(rng, (np.where(age >= 60, 0.30, 0.08) + 0.10 * (grade > 0)) * ~dead_before)
    oop = _lognormal(rng, 250, 1.1, len(med_idx))
    big = rng.random(len(med_idx)) < 0.004
    oop[big] = _lognormal(rng, 30_000, 0.8, int(big.sum()))
    medical = pa.table(
        {
            "id_number": rows(med_idx),
            "month": _const_strings(city.month, len(med_idx)),
            "out_of_pocket": pa.array(np.round(oop, 2)),
        }
    )

    # --- education: pupils 6–17 almost all enrolled; 18–22 a good half in college or university
    levels = ["primary", "junior", "senior", "vocational", "college", "university"]
    r = rng.random(n)
    lvl = np.select(
        [age < 6, age <= 11, age <= 14, age <= 17, age <= 22],
        [
            -1,
            0,
            1,
            np.where(r < 0.62, 2, np.where(r < 0.95, 3, -1)),
            np.where(r < 0.28, 4, np.where(r < np.where(age == 22, 0.43, 0.58), 5, -1)),
        ],
        -1,
    )
    lvl[dead_before] = -1
    e_idx = np.flatnonzero(lvl >= 0)
    education = pa.table(
        {
            "id_number": rows(e_idx),
            "level": _labels(levels, lvl[e_idx]),
            "enrolled": pa.array(rng.random(len(e_idx)) >= 0.02),
        }
    )

    # --- marriages: ~6.5 marriages and ~2.3 divorces per 1,000 persons a year (national order of
    # magnitude), registered this month (late ones up to 60 days back); one row per party
    has_sp = (sizes >= 2) & (rel[np.minimum(starts + 1, n - 1)] == SPOUSE)
    ha = age[starts]
    marry = has_sp & (ha >= 20) & (ha < 45) & (rng.random(h) < 0.0042)
    divorce = has_sp & ~marry & (ha >= 25) & (ha < 60) & (rng.random(h) < 0.0009)
    ev_h = np.flatnonzero(marry | divorce)
    ev_day = np.where(
        rng.random(len(ev_h)) < 0.85,
        ms + rng.integers(0, me - ms + 1, len(ev_h)),
        ms - rng.integers(1, 61, len(ev_h)),
    )
    a_idx, b_idx2 = starts[ev_h], starts[ev_h] + 1
    ev = divorce[ev_h].astype(np.int8)
    marriages = pa.table(
        {
            "id_number": rows(np.concatenate([a_idx, b_idx2])),
            "spouse_id_number": rows(np.concatenate([b_idx2, a_idx])),
            "event": _labels(["marriage", "divorce"], np.concatenate([ev, ev])),
            "date": _dates(np.concatenate([ev_day, ev_day])),
        }
    )

    # --- enrolments
    alive = ~dead
    counted = np.where(
        alive, np.floor(wage * 0.8 + 0.5) + pension + unemp, 0
    )  # 就业成本扣减 20 % (policy.md)
    alive_h = np.bincount(hh, alive, h)
    pc_h = np.bincount(hh, counted, h) / np.maximum(alive_h, 1)
    plain_pc = np.bincount(hh, (wage + pension + unemp) * alive, h) / np.maximum(alive_h, 1)
    low_income = int(((plain_pc < std_h) & (alive_h > 0)).sum())
    still_paid = ~dead_before | (rng.random(n) < 0.03)  # a few benefits not yet stopped after a death

    # tekun: aged 60+ or severely disabled, living alone or as a couple, mostly in poor households
    tk_ok = ((age >= 60) | severe) & (sizes[hh] <= 2) & still_paid
    tk_w = np.where(tk_ok, np.where(poor, 1.0, 0.003), 0.0)
    tk_idx = np.sort(_top_k(rng, tk_w, min(round(TEKUN_PERSONS * scale), int((tk_w > 0).sum()))))
    care = np.array([120, 600, 1200])[_cdf_choice(rng, np.array([0.7, 0.22, 0.08]), len(tk_idx))]
    tk_amount = _round_int(1.3 * std_h[hh[tk_idx]]) + care
    tk_h = np.zeros(h, bool)
    tk_h[hh[tk_idx]] = True

    # dibao: whole households, drawn mostly from poor ones, until the seed-002 caseload is reached
    db_w = np.where(
        tk_h | (alive_h == 0), 0.0, np.where(poor_h, 1.0, np.where(pc_h < 1.5 * std_h, 0.005, 0.0001))
    )
    cand = _top_k(rng, db_w, int((db_w > 0).sum()))
    take = int(np.searchsorted(np.cumsum(sizes[cand]), round(DIBAO_PERSONS * scale))) + 1
    db_h = np.zeros(h, bool)
    db_h[cand[:take]] = True
    db_idx = np.flatnonzero(db_h[hh] & still_paid)
    # each member's row carries (standard − per-capita income); the household gets the sum
    db_amount = np.maximum(_round_int(std_h[hh[db_idx]] - pc_h[hh[db_idx]]), 0)

    # high-age allowance: 到龄即享 (seed 003) — ~95 % of those aged 80+ already paid; tiers per policy.md
    ha_idx = np.flatnonzero((age >= 80) & still_paid & (rng.random(n) < 0.95))
    ha_amount = np.select([age[ha_idx] >= 100, age[ha_idx] >= 90], [300, 100], 50)
    by, bm, _ = _ymd(birth[ha_idx])
    ha_start = (by + 80 - 1970) * 12 + bm - 1

    # child benefits: a tiny share of minors (orphans, de-facto unsupported, key difficult children)
    ch_idx = _pick(rng, np.where((age < 18) & still_paid, np.where(poor, 0.03, 0.003), 0.0))
    ch_amount = np.array([1936, 1540, 1078])[_cdf_choice(rng, np.array([0.1, 0.5, 0.4]), len(ch_idx))]
    ch_start = city.month_index - np.minimum(rng.integers(0, 120, len(ch_idx)), age[ch_idx] * 12)

    e_idx = np.concatenate([db_idx, tk_idx, ha_idx, ch_idx])
    e_prog = np.repeat(np.arange(4), [len(db_idx), len(tk_idx), len(ha_idx), len(ch_idx)])
    db_start_h = city.month_index - rng.integers(1, 97, h)
    e_start = np.concatenate(
        [db_start_h[hh[db_idx]], city.month_index - rng.integers(0, 121, len(tk_idx)), ha_start, ch_start]
    )
    e_amount = np.concatenate([db_amount, tk_amount, ha_amount, ch_amount]).astype(np.int64)
    enrol = pa.table(
        {
            "id_number": rows(e_idx),
            "household_no": hno.take(pa.array(e_idx)),
            "programme": _labels(PROGRAMMES, e_prog),
            "start_month": _month_strings(e_start),
            "monthly_amount": pa.array(e_amount, pa.int64()),
        },
        schema=ENROLMENT_SCHEMA,
    )

    tables = {
        "persons": persons,
        "deaths": deaths,
        "marriages": marriages,
        "wages": wages,
        "pensions": pensions,
        "unemployment": unemployment,
        "housing_fund": housing_fund,
        "vehicles": vehicles,
        "real_estate": real_estate,
        "businesses": businesses,
        "tax": tax,
        "deposits": deposits,
        "securities": securities,
        "insurance": insurance,
        "disability": disability,
        "medical": medical,
        "education": education,
    }
    tables = {k: t.cast(SOURCES[k].schema) for k, t in tables.items()}
    return _Chunk(
        tables=tables,
        enrolments=enrol,
        households=h,
        low_income_households=low_income,
        dibao_households=int(db_h.sum()),
    )


# ----------------------------------------------------------------------------- writing
class _Sink:
    def __init__(self, path: Path, schema: pa.Schema, fmt: str) -> None:
        self.path = path
        self.rows = 0
        self._writer: pq.ParquetWriter | pacsv.CSVWriter
        if fmt == "parquet":
            self._writer = pq.ParquetWriter(str(path), schema, compression="snappy")
        else:
            self._writer = pacsv.CSVWriter(
                str(path), schema, write_options=pacsv.WriteOptions(include_header=True)
            )

    def write(self, table: pa.Table) -> None:
        self.rows += table.num_rows
        self._writer.write_table(table)

    def close(self) -> None:
        self._writer.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM on Linux)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _chunk_sizes(persons: int) -> Iterator[int]:
    k = max(1, math.ceil(persons / CHUNK_PERSONS))
    base, extra = divmod(persons, k)
    for i in range(k):
        yield base + (1 if i < extra else 0)


def generate_city(*, persons: int, seed: int, out_dir: Path, month: str, fmt: str = "parquet") -> dict:
    """Writes out_dir/<month>/ (one file per source + manifest.json, per exchange.md) and
    out_dir/enrolments.parquet; returns a summary dict (rows per source, households, enrolment counts,
    seconds, peak RSS MB)."""
    t0 = time.perf_counter()
    if not isinstance(persons, int) or persons < 1:
        raise ValueError("人数必须是正整数")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month or ""):
        raise ValueError(f"月份格式应为YYYY-MM：{month}")
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"不支持的文件格式：{fmt}（可选 parquet 或 csv）")
    out_dir = Path(out_dir)
    target = out_dir / month
    if target.exists() and any(target.iterdir()) and not (target / "manifest.json").exists():
        raise FileExistsError(f"目录{target}已存在且不是数据交换快照，不会覆盖")
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{month}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()

    seeds = np.random.SeedSequence(seed).spawn(math.ceil(persons / CHUNK_PERSONS) + 1)
    city = _make_city(month, np.random.default_rng(seeds[0]))
    ext = "parquet" if fmt == "parquet" else "csv"
    sinks = {name: _Sink(tmp / f"{name}.{ext}", spec.schema, fmt) for name, spec in SOURCES.items()}
    enrol_tmp = out_dir / ".enrolments.parquet.tmp"
    enrol_sink = _Sink(enrol_tmp, ENROLMENT_SCHEMA, "parquet")
    enrol_counts = dict.fromkeys(PROGRAMMES, 0)
    households = low_income = dibao_households = 0
    finished = False
    try:
        for i, n in enumerate(_chunk_sizes(persons)):
            chunk = _chunk(city, np.random.default_rng(seeds[i + 1]), n)
            for name, table in chunk.tables.items():
                sinks[name].write(table)
            enrol_sink.write(chunk.enrolments)
            progs, counts = np.unique(
                chunk.enrolments["programme"].to_numpy(zero_copy_only=False), return_counts=True
            )
            for p, c in zip(progs, counts, strict=True):
                enrol_counts[str(p)] += int(c)
            households += chunk.households
            low_income += chunk.low_income_households
            dibao_households += chunk.dibao_households
            del chunk
        finished = True
    finally:
        for sink in [*sinks.values(), enrol_sink]:
            sink.close()
        if not finished:  # never leave a half-written snapshot behind
            shutil.rmtree(tmp, ignore_errors=True)
            enrol_tmp.unlink(missing_ok=True)

    manifest = {
        "month": month,
        "sources": {
            name: {
                "department": SOURCES[name].department,
                "rows": sink.rows,
                "sha256": _sha256(sink.path),
                "file": sink.path.name,
            }
            for name, sink in sinks.items()
        },
    }
    (tmp / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    enrol_path = out_dir / "enrolments.parquet"
    enrol_tmp.replace(enrol_path)
    return {
        "month": month,
        "persons": persons,
        "households": households,
        "format": fmt,
        "seed": seed,
        "snapshot_dir": str(target),
        "enrolments_file": str(enrol_path),
        "rows": {name: sink.rows for name, sink in sinks.items()},
        "enrolments": enrol_counts,
        "dibao_households": dibao_households,
        "low_income_households": low_income,
        "seconds": round(time.perf_counter() - t0, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
