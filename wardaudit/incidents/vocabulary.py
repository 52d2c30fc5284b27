"""WardAudit's own words for sexual safety incidents: the categories and the harm levels.

Every trust codes incidents its own way; a mapping file turns those codes into these. The
categories follow the national definitions of sexual safety and the CQC's grouping of the
incidents it reviewed in 2018; the harm levels are those of NHS England's Learn from
patient safety events (LFPSE) service. ``docs/incidents.md`` gives each one with its source.
"""

from __future__ import annotations

from typing import Literal, get_args

Category = Literal[
    "rape",
    "sexual_assault",
    "sexual_harassment",
    "exposure",
    "sexual_activity",
    "staff_misconduct",
    "other",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)

CATEGORY_WORDS: dict[Category, str] = {
    "rape": "Rape or assault by penetration",
    "sexual_assault": "Sexual assault",
    "sexual_harassment": "Sexual harassment",
    "exposure": "Exposure or nudity",
    "sexual_activity": "Sexual activity between patients",
    "staff_misconduct": "Sexual behaviour by staff towards a patient",
    "other": "Other sexual safety incident",
}

# One line each, for screens and documents; the sources are in docs/incidents.md.
CATEGORY_MEANINGS: dict[Category, str] = {
    "rape": (
        "Penetration without consent, alleged or confirmed (Sexual Offences Act 2003, "
        "sections 1 and 2)."
    ),
    "sexual_assault": (
        "A person coerced or physically forced into sexual activity, or touched sexually "
        "without their consent, with any part of the body or an object (the Sexual Safety "
        "Collaborative's definition, adapted from the Crown Prosecution Service)."
    ),
    "sexual_harassment": (
        "Unwanted sexual remarks, gestures or advances, verbal or not, that make a person "
        "feel uncomfortable or intimidated or degrade their dignity, once or repeatedly; "
        "including sexual words used as insults and unwanted online sexual material."
    ),
    "exposure": (
        "Exposure of intimate body parts, nudity or self-stimulation in view of others. The "
        "Sexual Safety Collaborative counts it as harassment; the CQC counted it apart, as "
        "the commonest kind of incident, and so does WardAudit."
    ),
    "sexual_activity": (
        "Sexual activity between patients on the ward, whether or not it appeared "
        "consensual: consent and capacity are in question while people are acutely unwell."
    ),
    "staff_misconduct": (
        "Any sexual behaviour by a member of staff towards a patient, of whatever kind, so "
        "that it is never counted among incidents between patients."
    ),
    "other": "A sexual safety incident that fits none of the other categories.",
}

Harm = Literal["none", "low", "moderate", "severe", "fatal"]
HARMS: tuple[Harm, ...] = get_args(Harm)  # least to most severe

HARM_WORDS: dict[Harm, str] = {
    "none": "No harm",
    "low": "Low harm",
    "moderate": "Moderate harm",
    "severe": "Severe harm",
    "fatal": "Fatal",
}

HARM_MEANINGS: dict[Harm, str] = {
    "none": "No physical or psychological harm was evident.",
    "low": "Minimal harm: first aid, extra observation or minor treatment, or brief distress.",
    "moderate": "Short-term harm needing further treatment or support; significant but not permanent.",
    "severe": "Permanent or long-term harm, physical or psychological.",
    "fatal": "The person died as a result of the incident.",
}

NOT_GRADED_WORDS = "Not yet graded"


def category_word(category: Category) -> str:
    return CATEGORY_WORDS[category]


def harm_word(harm: Harm | None) -> str:
    return NOT_GRADED_WORDS if harm is None else HARM_WORDS[harm]


def harm_rank(harm: Harm | None) -> int:
    """Orders harm levels, not graded first: the more severe of two gradings wins."""
    return -1 if harm is None else HARMS.index(harm)


def more_severe(first: Harm | None, second: Harm | None) -> Harm | None:
    return first if harm_rank(first) >= harm_rank(second) else second
