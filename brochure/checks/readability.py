"""English readability for the plain-language check: sentences, words, syllables and the
Flesch-Kincaid grade (the US school grade a reader needs; patient leaflets aim at 8 or below)."""

from __future__ import annotations

import re

# A sentence ends at . ! or ? (and any closing quote) followed by a space and a capital, a digit
# or an opening quote, so "2.5 mm" and "e.g. the" do not end one.
_SENTENCE = re.compile(r"\S.*?(?:[.!?]+[\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9])|$)", re.S)
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|Dr|Mr|Mrs|Ms|St|etc|approx|No)\.$")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")
# Endings that add no syllable: silent -e, -es and -ed after a consonant (not "-le": "table").
_SILENT_ENDING = re.compile(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$")
_VOWEL_GROUP = re.compile(r"[aeiouy]{1,2}")


def sentences(text: str) -> list[str]:
    """`text` split into sentences; a text with no full stop (a bullet point) is one sentence."""
    parts: list[str] = []
    for piece in (match.group().strip() for match in _SENTENCE.finditer(text)):
        if parts and _ABBREVIATIONS.search(parts[-1]):
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return parts


def words(text: str) -> list[str]:
    """Words as a reader counts them: "high-risk", "5-6" and "don't" are one word each."""
    return _WORD.findall(text)


def syllables(word: str) -> int:
    """A close estimate for English: vowel groups, less silent endings; a number counts as one."""
    total = 0
    for part in word.lower().replace("’", "'").split("-"):
        letters = re.sub(r"[^a-z]", "", part)
        if not letters:
            total += 1 if part else 0
            continue
        if len(letters) <= 3:  # "the", "are", "use"
            total += 1
            continue
        letters = _SILENT_ENDING.sub("", letters).removeprefix("y")
        total += max(1, len(_VOWEL_GROUP.findall(letters)))
    return max(1, total)


def grade(texts: list[str]) -> float:
    """Flesch-Kincaid grade level of the texts read together (each entry its own sentences)."""
    found = [sentence for text in texts for sentence in sentences(text)]
    counted = [word for sentence in found for word in words(sentence)]
    if not counted:
        return 0.0
    per_sentence = len(counted) / len(found)
    per_word = sum(syllables(word) for word in counted) / len(counted)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59
