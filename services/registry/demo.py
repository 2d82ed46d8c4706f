"""The demo city of the embedded mode: 南昌市 with its districts, counties, zones and departments."""
from services.registry import service
from services.registry.models import Unit

CITY = "南昌市"
CITY_DEPARTMENTS = ("南昌市公安局", "南昌市教育局", "南昌市卫生健康委员会", "南昌市交通运输局",
                    "南昌市生态环境局", "南昌市市场监督管理局", "南昌市住房和城乡建设局",
                    "南昌市人力资源和社会保障局", "南昌市民政局", "南昌市文化广电新闻出版旅游局")
AREAS = (("东湖区", "district"), ("西湖区", "district"), ("青云谱区", "district"),
         ("青山湖区", "district"), ("新建区", "district"), ("红谷滩区", "district"),
         ("南昌县", "county"), ("进贤县", "county"), ("安义县", "county"),
         ("南昌高新技术产业开发区", "zone"), ("南昌经济技术开发区", "zone"))
AREA_DEPARTMENTS = ("教育体育局", "卫生健康委员会", "市场监督管理局")


def load_demo() -> bool:
    """Create the demo tree through the registry's own operations (so its events flow);
    do nothing if any unit exists."""
    if Unit.select().exists():
        return False
    city = service.create_unit(CITY, "region", None)
    service.create_unit("南昌市人民政府新闻办公室（联席会议办公室）", "office", city.id)
    for name in CITY_DEPARTMENTS:
        service.create_unit(name, "department", city.id)
    for area_name, kind in AREAS:
        area = service.create_unit(area_name, kind, city.id)
        for dept in AREA_DEPARTMENTS:
            service.create_unit(f"{area_name}{dept}", "department", area.id)
    return True
