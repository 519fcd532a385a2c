"""双随机、一公开: the seeded draw shared by every line that inspects (elderly-care facilities, social
organisations). A pure function of the published seed and the two pools in a stable order, so anyone
holding them can draw the same list again."""

from __future__ import annotations

import random


def draw_pairs(
    seed: int, target_ids: list[int], inspector_ids: list[int], count: int
) -> list[tuple[int, list[int]]]:
    """`count` targets from `target_ids` (all when fewer), two inspectors each from `inspector_ids`."""
    rng = random.Random(seed)  # noqa: S311 - reproducibility is the point; the seed is published
    chosen = rng.sample(target_ids, min(count, len(target_ids)))
    return [(t, sorted(rng.sample(inspector_ids, 2))) for t in chosen]


def draw_sample(seed: int, ids: list[int], count: int) -> list[int]:
    """`count` of `ids` (all when fewer), drawn from the seed; sorted, so the list reads the same again."""
    rng = random.Random(seed)  # noqa: S311 - reproducibility is the point; the seed is kept
    return sorted(rng.sample(sorted(ids), min(count, len(ids))))
