"""The checks of every text that leaves (issue 16), shared by the services that send texts out:
plain matchers over a text, knowing nothing of HTTP or of any service's tables. Each service
builds them from its own lists (publishing's tables, inquiry's copy fed by events).

| module | what it finds |
|---|---|
| `lexicon` (+ `segments`) | the office's classified and sensitive words, disguised or not; allowed phrases |
| `pii` | ID, bank card, passport and permit numbers, phones, addresses |
| `links` | links not well formed or not answering; a policy post without the government website's |
| `corrections` | typos (错别字) and non-standard formulations (规范表述) of the office's list |
| `precedence` | a leader with another's title, leaders out of their order |
| `weekdays` | a weekday that does not match its date |
| `wording` | the last three as one `Wording`, per version of the lists |
| `outgoing` | all of them on a text (`scan`), and the refusal of a step that sends texts (`vet`) |
"""
from govmb.textchecks.hits import Hit
from govmb.textchecks.lexicon import ALLOWED, Lexicon
from govmb.textchecks.outgoing import scan, vet
from govmb.textchecks.wording import Wording

__all__ = ["ALLOWED", "Hit", "Lexicon", "Wording", "scan", "vet"]
