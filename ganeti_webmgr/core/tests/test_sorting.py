from ganeti_webmgr.core.sorting import natural_key


def test_names_sort_as_people_read_them():
    names = ["inst10", "inst2", "Inst1", "inst100", "db3.example", "db20.example", "inst"]
    assert sorted(names, key=natural_key) == [
        "db3.example",
        "db20.example",
        "inst",
        "Inst1",
        "inst2",
        "inst10",
        "inst100",
    ]


def test_numbers_with_leading_zeros_keep_a_stable_order():
    assert sorted(["n010", "n9", "n10"], key=natural_key) == ["n9", "n010", "n10"]
