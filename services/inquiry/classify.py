"""Suggested category (X20.4) and sentiment (X20.3) for a citizen's message: jieba
segmentation and a naive Bayes classifier (scikit-learn), trained on a few seed examples
and on every category and sentiment staff have confirmed, so the suggestions learn from
what the units decide. Staff always confirm or correct.

Training is scikit-learn's; a suggestion is scored from the fitted weights directly
(`Scorer`), since `Pipeline.predict` on one text costs about 2 ms of validation and sparse
matrix set-up, more than the rest of a message's intake. The text is segmented once for
both suggestions."""
from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from govmb.scripts import han_share
from services.inquiry.models import Message

SEED_CATEGORY = {
    "query": ["请问社保卡在哪里办理", "咨询一下落户需要什么材料", "请问开学时间是什么时候", "想了解公积金提取流程",
              "请问这个政策什么时候实施", "如何申请廉租房"],
    "complaint": ["小区门口路灯坏了一个月没人修", "噪音扰民严重投诉多次无果", "办事窗口态度恶劣", "路面坑洼多次反映没人管",
                  "垃圾堆放无人清理臭气熏天", "质疑拆迁补偿标准不公", "斑马线看不清存在安全隐患", "井盖破损无人处理",
                  "红绿灯坏了路口很危险", "道路积水严重无法通行", "公交车迟迟不来等了一小时", "小区停水三天没有通知"],
    "report": ["举报某餐馆无证经营", "举报工地夜间违规施工", "举报有人违规占用消防通道", "实名举报干部收受好处",
               "举报黑车非法营运", "举报企业偷排污水"],
    "suggestion": ["建议增加公交线路", "建议在学校门口设置红绿灯", "希望多建一些停车场", "建议延长图书馆开放时间",
                   "建议增设便民服务点", "提个建议公园增加健身器材"],
    "praise": ["感谢交警及时处理", "点赞社区工作人员", "为环卫工人点赞", "感谢政府解决了我们的难题", "服务很好非常满意",
               "谢谢你们的快速回复"],
}
SEED_SENTIMENT = {
    "positive": ["感谢点赞满意", "非常好谢谢", "为你们点赞", "服务周到很满意"],
    "neutral": ["请问如何办理", "咨询一下时间", "想了解流程", "什么时候开始", "建议增加线路", "希望延长开放时间",
                "提个建议增设站点"],
    "negative": ["太差了没人管", "投诉多次无果很失望", "态度恶劣", "坏了一个月", "臭气熏天无法忍受", "不公平", "存在安全隐患", "看不清很危险"],
}

_lock = threading.Lock()
_models: dict[str, tuple[int, "Scorer"]] = {}


FUNCTION_WORDS = frozenset("的 了 是 在 和 就 都 也 着 这 那 已经 某 一个 这个 那个 与 及 等 把 从 对 区".split())  # no signal


@cache
def _jieba():
    """jieba, loaded at the first message rather than when the service (or a test) imports this."""
    import jieba
    jieba.setLogLevel(60)
    return jieba


_ARABIC_WORD = re.compile(r"([\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff]+)")


def _tokens(text: str) -> list[str]:
    """jieba's words; a word in the Arabic script (Uyghur) whole, as written between its spaces
    (jieba would give its letters one by one)."""
    out = []
    for i, part in enumerate(_ARABIC_WORD.split(text)):
        out += [part] if i % 2 else _jieba().lcut(part) if part else []
    return [t for t in out if t.strip() and t not in FUNCTION_WORDS
            and not all(c in "，。！？、；：,.!?;:（）()“”\"' " for c in t)]


def _pipeline(field: str, seeds: dict[str, list[str]]):
    """scikit-learn's pipeline fitted on the seeds and on what staff have confirmed (scikit-learn
    is loaded here, at the first fit: a second and a half that no import should cost)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline
    confirmed = getattr(Message, f"{field}_confirmed")
    texts, labels = [], []
    for label, examples in seeds.items():
        texts += examples
        labels += [label] * len(examples)
    for m in Message.select(Message.text, getattr(Message, field)).where(confirmed == True).limit(50_000):  # noqa: E712
        texts.append(m.text)
        labels.append(getattr(m, field))
    model = make_pipeline(TfidfVectorizer(tokenizer=_tokens, token_pattern=None, lowercase=False),
                          MultinomialNB(alpha=0.3))
    return model.fit(texts, labels)


@dataclass(frozen=True)
class Scorer:
    """A fitted TF-IDF + multinomial naive Bayes pipeline as plain lookups: for each term its
    idf and its log-probability under each class. `predict` gives what the pipeline's own
    predict gives: argmax over classes of prior + (l2-normalised tf-idf) · log-probabilities."""
    classes: tuple[str, ...]
    priors: tuple[float, ...]
    terms: dict[str, tuple[float, tuple[float, ...]]]

    @classmethod
    def of(cls, pipeline) -> "Scorer":
        vectorizer, nb = pipeline.steps[0][1], pipeline.steps[-1][1]
        columns = nb.feature_log_prob_.T.tolist()
        terms = {term: (float(vectorizer.idf_[j]), tuple(columns[j])) for term, j in vectorizer.vocabulary_.items()}
        return cls(tuple(str(c) for c in nb.classes_), tuple(nb.class_log_prior_.tolist()), terms)

    def predict(self, tokens: list[str]) -> str:
        weights = [(count * known[0], known[1]) for term, count in Counter(tokens).items()
                   if (known := self.terms.get(term)) is not None]
        norm = math.sqrt(sum(w * w for w, _ in weights)) or 1.0
        scores = list(self.priors)
        for w, log_probs in weights:
            for c, lp in enumerate(log_probs):
                scores[c] += w / norm * lp
        return self.classes[max(range(len(scores)), key=scores.__getitem__)]


RECHECK_SECONDS = 30.0  # how stale a suggestion may be: it only delays what the classifier learns
_checked: dict[str, float] = {}


def _model(field: str, seeds: dict[str, list[str]]) -> Scorer:
    """The classifier, trained again when staff have confirmed more messages (looked at no
    more than every RECHECK_SECONDS, so intake does not count the table on every message)."""
    with _lock:
        cached = _models.get(field)
        if cached is not None and time.monotonic() - _checked.get(field, 0.0) < RECHECK_SECONDS:
            return cached[1]
        confirmed = getattr(Message, f"{field}_confirmed")
        version = Message.select().where(confirmed == True).count()  # noqa: E712
        _checked[field] = time.monotonic()
        if cached is None or cached[0] != version:
            _models[field] = (version, Scorer.of(_pipeline(field, seeds)))
        return _models[field][1]


HAN_SHARE_MIN = 0.3  # below: a text mostly in another script (Uyghur), which the classifier never learnt


def suggest(text: str) -> tuple[str | None, str | None]:
    """(category, sentiment) for a message's text; (None, None): no suggestion."""
    return suggest_from(_tokens(text))


def suggest_from(tokens: list[str]) -> tuple[str | None, str | None]:
    """No guess for a text mostly in a script the seeds and the confirmed messages are not in (issue
    21: a message in Uyghur): staff classify it, as any message without a suggestion."""
    if han_share("".join(tokens)) < HAN_SHARE_MIN:
        return None, None
    return _model("category", SEED_CATEGORY).predict(tokens), _model("sentiment", SEED_SENTIMENT).predict(tokens)


def analyse(text: str) -> list[str]:
    """A message's words, segmented once for its suggestion and its keywords."""
    return _tokens(text)


STOPWORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords.txt"


@cache
def stopwords() -> frozenset[str]:
    """The words that make no topic (虚词 and the set phrases every complaint uses: 反映、处理、多次、
    所在、无人…), from services/inquiry/data/stopwords.txt: a keyword, a hot topic, never one of them."""
    words = set()
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        words.update(line.split("#", 1)[0].split())
    return frozenset(words)


def keywords(text: str) -> list[str]:
    return keywords_from(_tokens(text))


def keywords_from(tokens: list[str]) -> list[str]:
    return [t for t in tokens if len(t) >= 2 and t not in stopwords() and not t.isdigit()]
