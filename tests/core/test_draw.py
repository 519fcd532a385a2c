from minzheng.core.draw import draw_pairs


def test_the_same_seed_and_pools_draw_the_same_targets_and_two_distinct_inspectors_each():
    first = draw_pairs(20260101, list(range(1, 40)), [101, 102, 103, 104], 5)
    assert first == draw_pairs(20260101, list(range(1, 40)), [101, 102, 103, 104], 5)
    assert len({t for t, _ in first}) == 5
    assert all(len(set(pair)) == 2 and set(pair) <= {101, 102, 103, 104} for _, pair in first)


def test_a_draw_larger_than_the_pool_takes_the_whole_pool_and_another_seed_draws_otherwise():
    assert sorted(t for t, _ in draw_pairs(7, [3, 1, 2], [8, 9], 10)) == [1, 2, 3]
    pool = list(range(100))
    assert draw_pairs(1, pool, [1, 2, 3], 10) != draw_pairs(2, pool, [1, 2, 3], 10)
