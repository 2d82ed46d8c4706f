"""Regions and systems (系统): the two ways the public hall and the assessment group units.
A unit of an area kind is a region; a department belongs to a system by the words of its name
(configuration in all but name). Most specific first: "人民政府" must not read as "民政"."""
from __future__ import annotations

AREA_KINDS = ("region", "prefecture", "county", "district", "zone")
SYSTEMS = (("新闻", "新闻宣传系统"), ("公安", "公安系统"), ("教育", "教育系统"), ("卫生健康", "卫生健康系统"), ("市场监督", "市场监管系统"),
           ("交通", "交通运输系统"), ("生态环境", "生态环境系统"), ("住房", "住房和城乡建设系统"),
           ("人力资源", "人力资源和社会保障系统"), ("民政局", "民政系统"), ("文化", "文化旅游系统"))


def system_of(unit) -> str:
    """The system of a unit (anything with `name` and `kind`)."""
    if unit.kind in AREA_KINDS:
        return "政府系统"
    return next((system for word, system in SYSTEMS if word in unit.name), "其他")
