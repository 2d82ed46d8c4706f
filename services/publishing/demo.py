"""The embedded demo's lexicon: a few words of each kind, so the checks show at once."""
from services.publishing import lexicon
from services.publishing.models import LexiconEntry

WORDS = ([(w, "classified", "block") for w in ("内部资料", "机密", "绝密", "秘密文件", "内部传阅")]
         + [(w, "sensitive", "warn") for w in ("示威", "游行", "罢工", "群体性事件", "上访", "维权", "爆炸")])


def load_demo() -> bool:
    if LexiconEntry.select().exists():
        return False
    lexicon.add([{"word": w, "category": c, "severity": s, "note": "演示词库"} for w, c, s in WORDS])
    return True
