"""The assessment overview's summaries (web/views/assessment.py): units summed by the subtree
below the view's top and by system, the top of the view, worst groups first."""
from web.views.assessment import _child_of, _common_path, _groups


def unit(uid, path, score, grade="good", system="教育系统", vetoes=()):
    return {"unit_id": uid, "name": f"单位{uid}", "path": path, "score": score, "grade": grade, "system": system,
            "vetoes": list(vetoes)}


UNITS = [unit(2, "/1/2/", 90.0, "excellent", "新闻宣传系统"), unit(4, "/1/3/4/", 50.0, "fail"),
         unit(6, "/1/3/6/", 70.0, "pass", vetoes=[{"item": "dormant"}]), unit(3, "/1/3/", 80.0, "good", "政府系统"),
         unit(8, "/1/7/8/9/", 60.0, "fail")]


def test_the_view_starts_at_the_deepest_unit_above_every_unit():
    assert _common_path([u["path"] for u in UNITS]) == "/1/"
    assert _common_path(["/1/3/4/", "/1/3/6/", "/1/3/"]) == "/1/3/"
    assert _common_path(["/1/3/4/"]) == "/1/3/4/" and _common_path([]) == "/"


def test_each_unit_belongs_to_the_subtree_right_below_the_view():
    assert [_child_of(u["path"], "/1/") for u in UNITS] == ["/1/2/", "/1/3/", "/1/3/", "/1/3/", "/1/7/"]
    assert _child_of("/1/3/", "/1/3/") == "/1/3/"  # the view's own unit counts for itself


def test_groups_sum_units_and_put_the_worst_first():
    by_area = _groups(UNITS, lambda u: _child_of(u["path"], "/1/"))
    assert [g["key"] for g in by_area] == ["/1/7/", "/1/3/", "/1/2/"]  # most failing, then lowest average
    county = by_area[1]
    assert (county["units"], county["score"], county["fail"], county["vetoed"]) == (3, 66.7, 1, 1)
    assert county["lowest"]["unit_id"] == 4
    by_system = {g["key"]: g for g in _groups(UNITS, lambda u: u["system"])}
    assert by_system["教育系统"]["units"] == 3 and by_system["新闻宣传系统"]["score"] == 90.0
