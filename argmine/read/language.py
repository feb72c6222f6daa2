"""Is this text English? A cheap check on function words, so argmine can warn before mapping it.

The models are English. Function words make up 40-55% of running English prose and almost none of any other
language's, so their share among the first few thousand words separates English from non-English text
without a language-identification model.
"""

from __future__ import annotations

import re

_FUNCTION_WORDS = frozenset(
    """a about after all also an and any are as at be because been but by can could did do does for from had
    has have he her his how i if in into is it its may more most must no not of on one only or our out should
    so some such than that the their them then there these they this those to too up us was we were what when
    which who will with would you your""".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SAMPLE_CHARS = 20_000
MIN_WORDS = 20  # below this, too few words to tell
MIN_SHARE = 0.12


def english_share(text: str) -> tuple[float, int]:
    """The share of English function words among the words of (the start of) `text`, and the word count."""
    words = _WORD.findall(text[:_SAMPLE_CHARS])
    if not words:
        return 0.0, 0
    hits = sum(1 for w in words if w.lower() in _FUNCTION_WORDS)
    return hits / len(words), len(words)


def looks_english(text: str) -> bool:
    """False only when `text` has enough words and too few English function words among them."""
    share, count = english_share(text)
    return count < MIN_WORDS or share >= MIN_SHARE
