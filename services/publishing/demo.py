"""The embedded demo's lexicon and list of leaders: a few of each, so the checks show at once.
The leaders are invented (演示名单), none a real person. And the demo's platform connections
(ops.fakeplatforms.demo): an account connected to a local fake platform."""
import time

from govmb.identity import Identity
from services.publishing import connections, lexicon, wordlists
from services.publishing.models import Account, Leader, LexiconEntry, PlatformConnection

DEMO_NAME = "演示数据"
COPY_WAIT_SECONDS = 30  # the registry's events bring the account's copy: a moment after the demo city

WORDS = ([(w, "classified", "block") for w in ("内部资料", "机密", "绝密", "秘密文件", "内部传阅")]
         + [(w, "sensitive", "warn") for w in ("示威", "游行", "罢工", "群体性事件", "上访", "维权", "爆炸")])
LEADERS = (("林远航", "市委书记", "中共南昌市委（演示）", 1), ("方志清", "市委副书记、市长", "南昌市人民政府（演示）", 2),
           ("顾晓岚", "市人大常委会主任", "南昌市人大常委会（演示）", 3), ("邵文博", "市政协主席", "南昌市政协（演示）", 4),
           ("严立群", "市委常委、常务副市长", "南昌市人民政府（演示）", 5), ("韦思齐", "副市长", "南昌市人民政府（演示）", 6))


def load_demo() -> bool:
    loaded = False
    if not LexiconEntry.select().exists():
        lexicon.add([{"word": w, "category": c, "severity": s, "note": "演示词库"} for w, c, s in WORDS])
        loaded = True
    if not Leader.select().exists():
        wordlists.add_leaders([{"name": n, "title": t, "unit_name": u, "rank": r} for n, t, u, r in LEADERS])
        loaded = True
    return loaded


def connect(account_name: str, platform: str, account_uid: str, credentials: dict) -> bool:
    """The demo account connected to the platform (once: a restart finds it connected), when its
    copy has come from the registry; False when it did not come in time."""
    deadline = time.monotonic() + COPY_WAIT_SECONDS
    while (account := Account.get_or_none(Account.name == account_name, Account.status == "active")) is None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    if PlatformConnection.select().where(PlatformConnection.account_id == account.id,
                                         PlatformConnection.platform == platform).exists():
        return False
    who = Identity(0, DEMO_NAME, account.unit_id, account.unit_path, frozenset({"operator"}))
    connections.record_connection(account, platform, account_uid, credentials, who)
    return True
