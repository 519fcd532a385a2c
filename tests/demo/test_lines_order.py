from minzheng.demo.lines import seeders


def test_the_cockpit_demo_runs_after_every_line_it_sums_and_the_others_keep_name_order():
    names = [name for name, _ in seeders()]
    assert names[-1] == "cockpit"
    rest = names[:-1]
    assert rest == sorted(rest) and "vagrants" in rest
