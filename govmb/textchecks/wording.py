"""What a text says, beside what it may not say (issue 16, 错别字 and 严重表述错误): the
office's corrections (`corrections`), its list of leaders (`precedence`: a name with another's
title, leaders named out of their order) and the weekday written beside a date (`weekdays`). One
`Wording` per version of the lists, used by every check of a text that leaves."""
from __future__ import annotations

import datetime as dt

from govmb.textchecks.corrections import Corrections
from govmb.textchecks.hits import Hit
from govmb.textchecks.precedence import Leaders
from govmb.textchecks.weekdays import weekdays
from govmb.textnorm import normalise
from govmb.timefmt import beijing_today


class Wording:
    """The corrections, the leaders and the weekday check, as one version of the lists made
    them; `today` (Beijing) fixes the year of a date written without one (None: the day of
    the scan)."""

    def __init__(self, corrections: Corrections | None = None, leaders: Leaders | None = None,
                 today: dt.date | None = None):
        self.corrections = corrections or Corrections(())
        self.leaders = leaders or Leaders(())
        self.today = today

    def scan(self, text: str) -> list[Hit]:
        n = normalise(text)
        return (self.corrections.scan(text, n) + self.leaders.scan(text, n)
                + weekdays(text, self.today or beijing_today()))
