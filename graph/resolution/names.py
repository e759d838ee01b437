"""Normalised organisation names: one script, one case, no legal form, no punctuation.

A name in another script is transliterated to Latin letters by ``anyascii`` (Cyrillic,
Greek, Arabic…; Chinese becomes pinyin syllables), accents are dropped, ``&`` reads
``and``, and the legal-form words that one source writes and another leaves out (GmbH,
S.p.A., Ltd, AS…) are removed, as are the small words of the common languages (of, de,
der, degli…): ``"UNIVERSITÀ DEGLI STUDI DI MILANO"`` and ``"Universita di Milano"``
normalise alike.

Examples
--------
>>> normalise_name("Università degli Studi di Milano")
'university studi milano'
>>> normalise_name("SINTEF Energi AS")
'sintef energi'
>>> normalise_name("Московский государственный университет")
'moskovskiy gosudarstvennyy university'
>>> name_tokens("The University of Hong Kong")
('university', 'hong', 'kong')
>>> name_tokens("中国—东盟技术转移中心")[:4]
('zhong', 'guo', 'dong', 'meng')
"""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii

__all__ = [
    "GENERIC_WORDS",
    "LEGAL_FORMS",
    "SPELLINGS",
    "STOP_WORDS",
    "name_tokens",
    "name_variants",
    "normalise_name",
]

#: Legal-form words left out of a normalised name (lower case, without dots).
LEGAL_FORMS: frozenset[str] = frozenset(
    {
        "ab", "ag", "aps", "as", "asa", "bv", "bvba", "co", "company", "corp", "corporation", "cv",
        "doo", "ev", "gbr", "ggmbh", "gmbh", "inc", "kft", "kg", "lbg", "limited", "llc", "llp",
        "ltd", "mbh", "nv", "oy", "oyj", "plc", "sa", "sarl", "sas", "scarl", "sl", "slu", "spa",
        "sprl", "sro", "srl", "vzw", "zoo", "ug", "pty", "bhd", "sdn", "ooo", "zao", "oao", "pao",
    }
)  # fmt: skip

#: Small words of English, French, Spanish, Portuguese, Italian, German, Dutch and the
#: Nordic languages that carry no identity.
STOP_WORDS: frozenset[str] = frozenset(
    {
        "a", "an", "and", "at", "da", "das", "de", "degli", "dei", "del", "dell", "della", "delle",
        "der", "des", "di", "die", "do", "dos", "du", "e", "el", "en", "et", "for", "fur", "i", "il",
        "in", "la", "las", "le", "les", "lo", "los", "och", "of", "og", "on", "the", "und", "van",
        "voor", "von", "y", "zu", "zum", "zur", "l", "d", "s",
    }
)  # fmt: skip

#: British and American (and abbreviated) spellings read alike, and the word for a
#: university or an institute in the languages of the CORDIS and ROR names.
SPELLINGS: dict[str, str] = {
    "centre": "center", "centres": "centers", "organisation": "organization", "programme": "program",
    "univ": "university", "inst": "institute", "intl": "international", "natl": "national",
    **dict.fromkeys(
        ("universitet", "universitat", "universitaet", "universita", "universidad", "universidade",
         "universite", "universiteit", "uniwersytet", "univerzita", "univerza", "universitatea",
         "universiti", "universitas", "yliopisto", "egyetem", "universitetet"),
        "university",
    ),
    **dict.fromkeys(
        ("institut", "instituto", "istituto", "instytut", "instituut", "institutet"), "institute"
    ),
}  # fmt: skip

_NON_WORD = re.compile(r"[^a-z0-9]+")
# "S.p.A.", "S.A.", "e.V.": dotted initials joined before splitting
_DOTTED = re.compile(r"\b((?:[a-z]\.){2,})")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F


def _ascii(text: str) -> str:
    # a Chinese character is a syllable of its own: spaced, so that its pinyin is a token
    decomposed = unicodedata.normalize("NFKC", text)
    spaced = "".join(f" {c} " if _is_cjk(c) else c for c in decomposed)
    return anyascii(spaced).casefold()


@functools.lru_cache(maxsize=500_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """The words of `name` that identify it, in order (see the module's text).

    Examples
    --------
    >>> name_tokens("Robert Bosch España S.L.U.")
    ('robert', 'bosch', 'espana')
    >>> name_tokens("Chambre d'Agriculture & Forêt")
    ('chambre', 'agriculture', 'foret')
    """
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), _ascii(name)).replace("&", " and ")
    words = [SPELLINGS.get(w, w) for w in _NON_WORD.split(text) if w]
    return tuple(w for w in words if w not in LEGAL_FORMS and w not in STOP_WORDS)


_BRACKETS = re.compile(r"[(（\[]([^()（）\[\]]*)[)）\]]")
_SEPARATORS = re.compile(r"\s+/\s+|\s*;\s*|\s*；\s*")


#: Words that say what kind of body, not which: a bracketed part sharing only these with the
#: rest of a name is not another name of it ("Enterprise Collaborative Centre (China-SCO
#: centre)" names its parent in brackets, and its sibling "University Collaborative Centre
#: (China-SCO centre)" does too: the two are not one organisation).
GENERIC_WORDS: frozenset[str] = frozenset(
    {
        "center", "centers", "university", "institute", "college", "school", "academy",
        "laboratory", "lab", "technology", "technologies", "transfer", "international",
        "national", "research", "innovation", "cooperation", "collaborative", "science",
        "sciences", "association", "foundation", "network", "group", "office", "department",
        "organization", "program", "base", "park", "hub", "platform", "alliance", "council",
    }
)  # fmt: skip


@functools.lru_cache(maxsize=200_000)
def name_variants(name: str) -> tuple[str, ...]:
    """`name` and the names packed into it: without its bracketed parts, each bracketed
    part, each part between `` / `` or ``;`` (sources write aliases so).

    Examples
    --------
    >>> for v in name_variants("China-Latin America and Caribbean (China-LAC) Technology Transfer Center"):
    ...     print(v)
    China-Latin America and Caribbean (China-LAC) Technology Transfer Center
    China-Latin America and Caribbean Technology Transfer Center
    China-LAC
    >>> name_variants("Stockholms universitet")
    ('Stockholms universitet',)
    >>> name_variants("SAMSUNG ELECTRONICS (UK) LIMITED")
    ('SAMSUNG ELECTRONICS (UK) LIMITED', 'SAMSUNG ELECTRONICS LIMITED')
    >>> name_variants("Enterprise Collaborative Centre (China-SCO centre)")[1:]
    ('Enterprise Collaborative Centre',)
    """
    out = [name]
    for part in _SEPARATORS.split(name):
        bare = " ".join(_BRACKETS.sub(" ", part).split())
        out.extend(p for p in (part.strip(), bare) if p)
        # a bracketed part is another name only when it shares a word with the rest:
        # "(China-LAC)" is, "(UK)", "(Dubai)" or "(Phnom Penh)" say where, not who; a
        # word that only says what kind of body (`GENERIC_WORDS`) does not count
        rest = set(name_tokens(bare)) - GENERIC_WORDS
        out.extend(m.strip() for m in _BRACKETS.findall(part) if rest & set(name_tokens(m)))
    return tuple(dict.fromkeys(v for v in out if name_tokens(v)))


@functools.lru_cache(maxsize=500_000)
def normalise_name(name: str) -> str:
    """`name_tokens` joined by spaces: the form two names are compared in.

    Examples
    --------
    >>> normalise_name("ECOLE POLYTECHNIQUE FEDERALE DE LAUSANNE")
    'ecole polytechnique federale lausanne'
    >>> normalise_name("École polytechnique fédérale de Lausanne")
    'ecole polytechnique federale lausanne'
    """
    return " ".join(name_tokens(name))
