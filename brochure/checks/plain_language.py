"""Plain language: the English of each section should read at US school grade 8 or below
(Flesch-Kincaid), in sentences a patient can follow; long ones are quoted so they can be found."""

from __future__ import annotations

from brochure.checks import readability
from brochure.checks.findings import WARNING, Finding, sections_in_files
from brochure.config.clinic import Clinic
from brochure.config.content import Topic

TARGET_GRADE = 8
LONG_SENTENCE = 25  # words
GRADED_FROM = 20    # words: the formula says little about a few bullet points

REVIEWED = "reviewed medical wording stays as its source has it: change it only through a clinical review"
SIMPLER = "use shorter sentences and everyday words"
SPLIT = "split it into shorter sentences"


def findings(clinic: Clinic, topic: Topic) -> list[Finding]:
    found = []
    for placed in sections_in_files(clinic, topic):
        english = placed.section.en
        reviewed = placed.section.source == "topic"
        blocks = {f"{placed.key}.en.{kind}[{index}]": text
                  for kind in ("paragraphs", "items", "closing")
                  for index, text in enumerate(getattr(english, kind))}
        texts = list(blocks.values())
        grade = readability.grade(texts)
        if grade > TARGET_GRADE and sum(len(readability.words(t)) for t in texts) >= GRADED_FROM:
            found.append(Finding(WARNING, "plain-language", placed.file, f"{placed.key}.en",
                                 f"{placed.name} reads at grade {grade:.1f} (Flesch-Kincaid), above "
                                 f"the target of {TARGET_GRADE}", REVIEWED if reviewed else SIMPLER))
        for key, text in blocks.items():
            for sentence in readability.sentences(text):
                count = len(readability.words(sentence))
                if count > LONG_SENTENCE:
                    found.append(Finding(WARNING, "plain-language", placed.file, key,
                                         f"a sentence of {count} words (over {LONG_SENTENCE}): "
                                         f"\"{sentence}\"", REVIEWED if reviewed else SPLIT))
    return found
