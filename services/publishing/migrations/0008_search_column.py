"""Search in the drafts' text at a city's size: the bigrams stored beside the text and
indexed, instead of an index over an expression whose recheck computed them again for every
row a common word matched (`govmb.textsearch`)."""
from govmb.textsearch import bigram_index


def up(migrator, db):
    bigram_index(db, "draft", "text")
