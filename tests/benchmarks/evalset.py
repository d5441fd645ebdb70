"""A labelled evaluation set for name screening, generated from the real OFAC SDN list.

``generate(variants, seed)`` draws source names (primary names and strong
aliases of individuals, entities, vessels and aircraft) and makes, from each,
one query by one named transformation. Every case records the expected list
reference (the OFAC ``ent_num``; None for a negative control), its family and
class, and how it was made, so a failing case can be read and reproduced.

Families and classes:

- benign: ``transliteration`` (Mohammed/Muhammad, Yevgeniy/Evgeny, -ov/-off,
  kh/h, ou/u, zh/j, q/k...), ``diacritics`` (Perez/Pérez, Yilmaz/Yılmaz,
  ue/ü, scholarly š/č/ž and ḥ/ṣ), ``name_order`` (LAST, First <-> First Last;
  a legal form moved to the other end), ``dropped_middle`` (a middle name,
  patronymic or second surname left out), ``initials`` (V. N. Blotsky),
  ``titles_suffixes`` (Dr., Sheikh, Jr.; legal form added, removed or written
  another way: LLC <-> Limited Liability Company <-> OOO; MV before a vessel),
  ``punctuation`` and ``case``;
- adversarial: ``homoglyphs`` (Cyrillic/Greek letters that look Latin),
  ``zero_width`` (U+200B/200C/200D/2060/FEFF inside words), ``dropped_vowels``,
  ``doubled_letters`` (doubled or collapsed), ``phonetic`` (ph/f, c/k, s/z...);
- degraded: ``ocr`` (rn/m, l/1/I, O/0, cl/d, vv/w...), ``keyboard_typo``
  (adjacent QWERTY key), ``transposition`` (adjacent letters), ``truncation``
  (last word cut to 60-80 %);
- negative (expected None): ``swapped_tokens`` (a word of one listed entity
  replaced by a word of another), ``crossed_names`` (first name of one listed
  person with the surname of another), ``implausible_edits`` (3+ random edits
  in a short name), ``different_surname`` (given names of a listed person with
  another, common surname) and ``common_company`` (ordinary company names).

A person's name is written as the list writes it ("LAST, First") or in natural
order ("First LAST"), half and half; half the queries carry the entity type
(an organisation is queried as "company", the CLI's word), half carry none.

Guards, so that labels are right: a source name that another designation also
uses is not drawn (its namesakes would tie); a positive whose words all occur
in more than ``MAX_COVERING`` designations is dropped (the expected entry could
not be told apart within the top 10); a negative is kept only if it is not a
listed name or alias (same words, or same consonant skeletons, in any order),
is not within ``NEGATIVE_GUARD_RATIO`` (rapidfuzz ratio of sorted normalised
words) of any listed name, and, for people, its words are not all contained in
one listed name (that would be a listed person with a name left out).

Deterministic: each class draws from its own ``random.Random(f"{seed}:{class}")``.
"""

from __future__ import annotations

import csv
import math
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Protocol

from rapidfuzz import fuzz, process

from compliance.normalize.names import normalize_name, skeleton

DEFAULT_SEED = 20261126

# A positive is dropped when more designations than this contain all its words.
MAX_COVERING = 8
# A negative is dropped when its sorted normalised words are this close (0..100) to a listed name's
# with as many words (any listed name, for a person).
NEGATIVE_GUARD_RATIO = 90.0
# A word in at least this many listed names is common: a company name that differs from a listed one
# only by common words ("GOLDEN STAR SHIPPING" / "GOLDEN STAR SHIPPING LINES") is no clean negative.
COMMON_WORD_DF = 100
# Two words (of 4+ letters) this close (rapidfuzz ratio) count as spelling variants of each other
# for the negative guard: Ivan/Yvan 75, Petrov/Petroff 77, Mohammed/Muhammad 75.
TOKEN_VARIANT_RATIO = 75.0

# How often each entity type is drawn as a source (then renormalised over the
# types a transformation applies to).
TYPE_WEIGHTS = {"person": 0.45, "organization": 0.35, "vessel": 0.12, "aircraft": 0.08}

FAMILIES: dict[str, tuple[str, ...]] = {
    "benign": (
        "transliteration",
        "diacritics",
        "name_order",
        "dropped_middle",
        "initials",
        "titles_suffixes",
        "punctuation",
        "case",
    ),
    "adversarial": ("homoglyphs", "zero_width", "dropped_vowels", "doubled_letters", "phonetic"),
    "degraded": ("ocr", "keyboard_typo", "transposition", "truncation"),
    "negative": (
        "swapped_tokens",
        "crossed_names",
        "implausible_edits",
        "different_surname",
        "common_company",
    ),
}
FAMILY_OF = {cls: fam for fam, classes in FAMILIES.items() for cls in classes}

# Cases per class: >= 300 positives per family, >= 600 negatives.
QUOTAS: dict[str, int] = {
    **dict.fromkeys(FAMILIES["benign"], 50),
    **dict.fromkeys(FAMILIES["adversarial"], 80),
    **dict.fromkeys(FAMILIES["degraded"], 100),
    "swapped_tokens": 140,
    "crossed_names": 160,
    "implausible_edits": 120,
    "different_surname": 100,
    "common_company": 120,
}
MIN_PER_FAMILY = {"benign": 300, "adversarial": 300, "degraded": 300, "negative": 600}


class NameVariant(Protocol):
    """What the generator reads from a list name (``IndexEntry`` has it)."""

    @property
    def ref(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def name_kind(self) -> str: ...
    @property
    def weak(self) -> bool: ...
    @property
    def entity_type(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled query."""

    case_id: str
    query: str
    entity_type: str | None  # as the query gives it; None = any
    expected_ref: str | None  # the source's reference; None for a negative control
    family: str  # benign | adversarial | degraded | negative
    class_: str
    how: str  # how the query was made, readable
    source_name: str = ""  # the listed name it was made from ("" for invented names)

    @property
    def positive(self) -> bool:
        return self.expected_ref is not None


# ---------------------------------------------------------------- text helpers


def fold(text: str) -> str:
    """Diacritics dropped (as a careless keyboard would)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _wordlist(text: str) -> tuple[str, ...]:
    """A table written as one string of words."""
    return tuple(text.split())


_WORD = re.compile(r"[^\W_]+")
_LETTERS = re.compile(r"[^\W\d_]")
_VOWEL = set("aeiouAEIOU")
Transform = Callable[[str, str, random.Random], "tuple[str, str] | None"]


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def _splice(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _like(src: str, new: str) -> str:
    """``new`` in the letter case of ``src`` (UPPER, Title or lower)."""
    if src.isupper():
        return new.upper()
    if src[:1].isupper():
        return new[:1].upper() + new[1:].lower()
    return new.lower()


def _clean_spaces(text: str) -> str:
    return " ".join(text.split())


def split_person(name: str) -> tuple[str, str] | None:
    """ "LAST, First Middle" -> ("LAST", "First Middle"); None without exactly one comma."""
    if name.count(",") != 1:
        return None
    last, given = (p.strip() for p in name.split(","))
    return (last, given) if last and given else None


def natural_order(name: str) -> str:
    parts = split_person(name)
    return f"{parts[1]} {parts[0]}" if parts else name


def _letter_count(text: str) -> int:
    return len(_LETTERS.findall(text))


def query_type(entity_type: str, rng: random.Random) -> str | None:
    """Half the queries state the type; an organisation is asked for as a "company"."""
    if rng.random() < 0.5:
        return None
    return "company" if entity_type == "organization" else entity_type


# ---------------------------------------------------------------- benign

_NAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad", "muhamad"),
    ("ahmed", "ahmad", "ahmet"),
    ("mahmoud", "mahmud", "mahmood"),
    ("hussein", "husayn", "hussain", "husain", "hossein", "houssein"),
    ("hassan", "hasan"),
    ("abdul", "abdel", "abdoul"),
    ("abdullah", "abdallah", "abdollah", "abdulla"),
    ("osama", "usama", "oussama"),
    ("omar", "umar", "omer"),
    ("yusuf", "youssef", "yousef", "yusif", "yousuf", "youssouf"),
    ("ibrahim", "ebrahim", "ibraheem"),
    ("khalid", "khaled"),
    ("saeed", "said", "sayid"),
    ("salih", "saleh"),
    ("suleiman", "sulayman", "sulaiman", "suleyman"),
    ("mustafa", "moustafa", "mostafa", "mustapha"),
    ("qasim", "qassem", "kassem", "kasim", "qasem"),
    ("jafar", "jaafar", "djafar"),
    ("hamid", "hamed"),
    ("mohsen", "muhsin", "mohsin"),
    ("reza", "riza"),
    ("gholam", "ghulam", "golam"),
    ("hizballah", "hezbollah", "hizbullah", "hizbollah"),
    ("qaida", "qaeda"),
    ("abu", "abou"),
    ("yasin", "yassin", "yaseen", "yassine"),
    ("nasser", "nasir", "naser", "nassir"),
    ("faisal", "faysal", "feisal"),
    ("hamza", "hamzah"),
    ("zakaria", "zakariya", "zakariyya"),
    ("yahya", "yehia", "yahia"),
    ("tariq", "tarek", "tarik", "tareq"),
    ("walid", "waleed"),
    ("rashid", "rasheed", "rachid"),
    ("majid", "majeed", "madjid"),
    ("nabil", "nabeel"),
    ("jamal", "djamal", "gamal"),
    ("yevgeniy", "evgeny", "evgeniy", "yevgeny", "evgueni", "evgenii"),
    ("aleksandr", "alexander", "alexandr", "aleksander"),
    ("sergey", "sergei", "serguei"),
    ("yuriy", "yury", "yuri", "iouri", "jurij"),
    ("dmitriy", "dmitry", "dmitri", "dmitrii"),
    ("andrey", "andrei", "andrej"),
    ("aleksey", "alexei", "alexey", "aleksei"),
    ("nikolay", "nikolai"),
    ("mikhail", "michail"),
    ("yelena", "elena", "jelena"),
    ("tatyana", "tatiana", "tatjana"),
    ("natalya", "natalia", "nataliya"),
    ("yuliya", "yulia", "julia"),
    ("vyacheslav", "viacheslav"),
    ("vitaliy", "vitaly", "vitali"),
    ("valeriy", "valery", "valeri"),
    ("anatoliy", "anatoly", "anatoli"),
    ("grigoriy", "grigory", "grigori"),
    ("arkadiy", "arkady", "arkadi"),
    ("gennadiy", "gennady", "gennadi"),
    ("vasiliy", "vasily", "vassili", "vasili"),
    ("pyotr", "petr", "piotr"),
    ("fyodor", "fedor"),
    ("semyon", "semen"),
    ("konstantin", "constantin"),
    ("viktor", "victor"),
    ("maksim", "maxim"),
    ("yaroslav", "jaroslav", "iaroslav"),
    ("yekaterina", "ekaterina"),
    ("aleksandrovich", "alexandrovich", "aleksandrovitch"),
    ("sergeyevich", "sergeevich"),
    ("yuryevich", "yurievich", "yurevich"),
    ("nikolayevich", "nikolaevich"),
    ("andreyevich", "andreevich"),
    ("alekseyevich", "alekseevich", "alexeyevich"),
    ("vasilyevich", "vasilievich"),
    ("gennadyevich", "gennadievich"),
    ("vladimirovich", "vladimirovitch"),
    ("kim", "gim"),
    ("park", "pak", "bak"),
    ("choe", "choi"),
    ("chol", "cheol"),
    ("hyon", "hyun"),
)
_GROUP_OF = {w: g for g in _NAME_GROUPS for w in g}

# (pattern on a lower-case word, replacement, label). Applied to one word.
_TRANSLIT_RULES: tuple[tuple[str, str, str], ...] = (
    (r"ov$", "off", "-ov/-off"),
    (r"ev$", "eff", "-ev/-eff"),
    (r"ov$", "ow", "-ov/-ow (German)"),
    (r"iy$", "y", "-iy/-y"),
    (r"iy$", "i", "-iy/-i"),
    (r"yy$", "y", "-yy/-y"),
    (r"kh", "h", "kh/h"),
    (r"kh", "ch", "kh/ch (German)"),
    (r"ou", "u", "ou/u"),
    (r"(?<=[bcdfghjklmnpqrstvwxz])u(?=[bcdfghjklmnpqrstvwxz])", "ou", "u/ou (French)"),
    (r"zh", "j", "zh/j (French)"),
    (r"zh", "sch", "zh/sch (German)"),
    (r"dzh", "dj", "dzh/dj"),
    (r"^j(?=[aeiou])", "dj", "j/dj"),
    (r"g(?=[ei])", "gu", "g/gu (French)"),
    (r"q", "k", "q/k"),
    (r"^ya", "ia", "ya/ia"),
    (r"yu", "iu", "yu/iu"),
    (r"yu", "ju", "yu/ju"),
    (r"^ye", "e", "ye/e"),
    (r"shch", "sch", "shch/sch"),
    (r"ts", "tz", "ts/tz"),
    (r"(?<![ts])ch", "tch", "ch/tch (French)"),
    (r"sh(?!ch)", "ch", "sh/ch (French)"),
    (r"sh(?!ch)", "sch", "sh/sch (German)"),
    (r"sky$", "ski", "-sky/-ski"),
    (r"ski$", "sky", "-ski/-sky"),
    (r"ei", "ey", "ei/ey"),
    (r"ai", "ay", "ai/ay"),
    (r"ay(?=[bcdfghjklmnpqrstvwxz])", "ai", "ay/ai"),
    (r"^al$", "el", "al/el"),
    (r"ee", "i", "ee/i"),
    (r"oo", "u", "oo/u"),
    (r"aa", "a", "aa/a"),
    (r"(?<=[bcdfghjklmnpqrstvwxz])i(?=[aeou])", "y", "i/y before a vowel"),
)


def _translit_options(word: str) -> list[tuple[str, str]]:
    low = word.lower()
    options: list[tuple[str, str]] = []
    group = _GROUP_OF.get(low)
    if group:
        options += [(alt, f"{low}->{alt}") for alt in group if alt != low]
    for pattern, repl, label in _TRANSLIT_RULES:
        if len(low) < 4 and pattern != r"^al$":
            continue  # "YU" -> "IU" in a Chinese syllable, "CIA" -> "CYA": no real spelling
        new = re.sub(pattern, repl, low, count=1)
        if new != low and len(new) >= 2:
            options.append((new, label))
    return options


def t_transliteration(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    if etype == "aircraft":
        return None
    words = [m for m in _words(name) if _letter_count(m.group()) >= 2 and not m.group().isdigit()]
    choices = [(m, alt, label) for m in words for alt, label in _translit_options(m.group())]
    if not choices:
        return None
    # Whole-word name equivalents first when there are any: they are the commonest variants.
    groups = [c for c in choices if "->" in c[2]]
    m, alt, label = rng.choice(groups if groups and rng.random() < 0.6 else choices)
    new = _like(m.group(), alt)
    return _splice(name, m.start(), m.end(), new), f"{label}: {m.group()} -> {new}"


_ACCENTED_WORDS = {
    fold(w).lower(): w
    for w in _wordlist(
        "José María Muñoz Pérez García González Rodríguez Hernández Ramírez Martínez Sánchez López Gómez "
        "Díaz Fernández Núñez Iván Ángel Jesús Ramón Andrés Raúl Héctor Rubén Joaquín Martín Inés Simón "
        "Víctor César Óscar Álvaro Tomás Nicolás Lucía Sofía Ibáñez Peña Castellón León Calderón Rincón "
        "Morán Beltrán Guzmán Román Jiménez Benítez Velázquez Vázquez Domínguez Álvarez Gutiérrez Suárez "
        "Méndez Chávez Márquez Valdés Ordóñez Ortíz Nariño Medellín Bogotá Cárdenas Quiñónez Avilés "
        "Gaitán Acuña Orozco Zúñiga Mejía Rendón Aristizábal Ospina Echeverría Patiño Londoño Durán "
        "Ayala Báez Cortés Ríos Sáenz Muñiz Jerónimo Efraín Adrián Sebastián Germán Darío Fabián "
        "François Hélène Jérôme Gérard André René Frédéric Öztürk Gül Çelik Şahin Yılmaz Yıldız Özdemir "
        "Aydın Doğan Kılıç Koç Güneş Çakır Erdoğan Müller Schäfer Schröder Jürgen Björn Håkan Łukasz "
        "Paweł Wałęsa Dvořák Novák Svoboda Černý Procházka Kovačević Petrović Jovanović Nikolić Đorđević "
        "Marković Ilić Stanković Živković Tomić Đukanović Milošević Šešelj Mladić Karadžić"
    )
}
_UMLAUTS = (("ue", "ü"), ("oe", "ö"), ("ae", "ä"))
_SLAVIC = re.compile(r"(ov|ev|in|ko|enko|vich|sky|ski|ova|eva|ina|aya)$", re.IGNORECASE)
_ARABIC_HINT = re.compile(
    r"^(al|el|abu|abd|abdul|bin|ibn|mohamm?[ae]d|muhamm?[ae]d|ahmad|ahmed|hass?an|huss?[ae]in|husayn)$",
    re.IGNORECASE,
)


def t_diacritics(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    if etype == "aircraft":
        return None
    words = [m for m in _words(name) if _letter_count(m.group()) >= 3]
    arabic = any(_ARABIC_HINT.match(m.group()) for m in _words(name))
    options: list[tuple[re.Match[str], str, str]] = []
    for m in words:
        w = m.group()
        low = w.lower()
        if w != fold(w):
            options.append((m, fold(w), "diacritics lost"))
        accented = _ACCENTED_WORDS.get(low)
        if accented and accented.lower() != low:
            options.append((m, _like(w, accented), "accents written"))
        for plain, umlaut in _UMLAUTS:
            if plain in low and not low.startswith(plain):
                options.append((m, _like(w, low.replace(plain, umlaut, 1)), f"{plain} -> {umlaut}"))
        if _SLAVIC.search(low) and etype == "person":
            new = low.replace("shch", "šč").replace("sh", "š").replace("ch", "č").replace("zh", "ž")
            if new != low:
                options.append((m, _like(w, new), "scholarly transliteration (š č ž)"))
        if arabic and etype == "person":
            for plain, dotted in (("h", "ḥ"), ("s", "ṣ"), ("t", "ṭ"), ("d", "ḍ")):
                idx = low.find(plain, 1)
                if idx > 0 and low[idx - 1 : idx + 1] not in ("sh", "kh", "gh", "th", "dh", "ch"):
                    if low[idx : idx + 2] in ("sh", "th", "dh", "kh", "gh"):
                        continue
                    new = low[:idx] + dotted + low[idx + 1 :]
                    options.append((m, _like(w, new), f"scholarly transliteration ({plain} -> {dotted})"))
                    break
    if not options:
        return None
    m, new, label = rng.choice(options)
    if new == m.group():
        return None
    return _splice(name, m.start(), m.end(), new), f"{label}: {m.group()} -> {new}"


# Legal forms, as written, in groups of equivalent spellings.
_FORM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("LLC", "LIMITED LIABILITY COMPANY", "OOO", "L.L.C."),
    ("JSC", "JOINT STOCK COMPANY", "AO"),
    ("OJSC", "OPEN JOINT STOCK COMPANY", "OAO"),
    ("CJSC", "CLOSED JOINT STOCK COMPANY", "ZAO"),
    ("PJSC", "PUBLIC JOINT STOCK COMPANY", "PAO"),
    ("CO., LTD.", "CO. LTD", "COMPANY LIMITED", "CO LTD", "CO., LIMITED"),
    ("LTD", "LTD.", "LIMITED"),
    ("INC", "INC.", "INCORPORATED"),
    ("CORP", "CORP.", "CORPORATION"),
    ("CO", "CO.", "COMPANY"),
    ("S.A.", "SA", "SOCIEDAD ANONIMA"),
    ("S.A. DE C.V.", "SA DE CV"),
    ("FZE", "FREE ZONE ESTABLISHMENT"),
    ("PLC", "PUBLIC LIMITED COMPANY"),
    ("SRL", "S.R.L."),
    ("SARL", "S.A.R.L."),
    ("LLP", "L.L.P."),
    ("B.V.", "BV"),
    ("GMBH",),
    ("FZCO",),
    ("FZC",),
)
# Forms that are written before the name as often as after it.
_MOVABLE_FORMS = frozenset(f for g in _FORM_GROUPS[:5] for f in g if f not in ("L.L.C.",))
_ALL_FORMS = sorted({f for g in _FORM_GROUPS for f in g}, key=len, reverse=True)
_FORM_ALT = "|".join(re.escape(f) for f in _ALL_FORMS)
_LEADING_FORM = re.compile(rf"^(?P<form>{_FORM_ALT})(?![\w.])[\s,]*", re.IGNORECASE)
_TRAILING_FORM = re.compile(rf"(?<![\w.])[\s,]*(?P<form>{_FORM_ALT})$", re.IGNORECASE)
_FORM_GROUP_OF = {f: g for g in _FORM_GROUPS for f in g}
# Single words of legal forms: an edit there says nothing about the name.
_FORM_WORDS = frozenset(w for f in _ALL_FORMS for w in re.findall(r"[A-Z]+", f))

_BUSINESS_WORDS = frozenset(
    _wordlist(
        "TRADING TRADE INDUSTRIES INDUSTRIAL GROUP SHIPPING HOLDING ENTERPRISE ENTERPRISES INVESTMENT "
        "INVESTMENTS SERVICES TECHNOLOGY TECHNOLOGIES ELECTRONICS LOGISTICS IMPORT EXPORT CONSTRUCTION "
        "PETROLEUM OIL GAS ENERGY INTERNATIONAL COMMERCIAL MARINE MARITIME EQUIPMENT ENGINEERING "
        "DEVELOPMENT MANAGEMENT CAPITAL FINANCE FINANCIAL CHEMICAL CHEMICALS MACHINERY TECH GLOBAL "
        "EXCHANGE TRAVEL TOURS AVIATION AIRLINES SUPPLY SUPPLIES SYSTEMS SOLUTIONS CONSULTING METALS "
        "STEEL MINING PRODUCTS AGRO FOOD PHARMA PHARMACEUTICAL GENERAL TRANSPORT TRANSPORTATION"
    )
)


def _find_form(name: str) -> tuple[str, str, str] | None:
    """(position "lead"/"trail", the form as written, the rest of the name), or None."""
    m = _TRAILING_FORM.search(name)
    if m:
        rest = name[: m.start()].rstrip(" ,")
        if _letter_count(rest) >= 3:
            return "trail", m.group("form"), rest
    m = _LEADING_FORM.match(name)
    if m:
        rest = name[m.end() :].strip(" ,")
        if _letter_count(rest) >= 3:
            return "lead", m.group("form"), rest
    return None


def t_name_order(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    if etype == "person":
        parts = split_person(name)
        if parts:
            last, given = parts
            if rng.random() < 0.6:
                return f"{given} {last}", "LAST, First -> First LAST"
            return f"{last} {given}", "LAST, First -> LAST First (comma dropped)"
        words = name.split()
        if len(words) >= 2:
            return " ".join([words[-1], *words[:-1]]), "surname moved to the front"
        return None
    if etype in ("organization", "company"):
        found = _find_form(name)
        if found and found[1].upper() in _MOVABLE_FORMS:
            pos, form, rest = found
            if pos == "lead":
                return f"{rest} {form}", f"legal form moved to the end: {form}"
            return f"{form} {rest}", f"legal form moved to the front: {form}"
        # "X OF Y" / "Y X" reorders are too free to be plausible; nothing else here.
    return None


_PARTICLES = frozenset(
    _wordlist("al el ul bin ibn bint abu von van der den de del della di da du la le dos das y")
)


def _significant(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if _letter_count(t) >= 3 and t.lower() not in _PARTICLES]


def t_dropped_middle(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    if etype == "person":
        parts = split_person(name)
        if parts:
            last, given = parts
            g, s = given.split(), last.split()
            options: list[tuple[str, str]] = []
            for i in range(1, len(g)):
                if g[i].lower() not in _PARTICLES and _letter_count(g[i]) >= 3:
                    kept = g[:i] + g[i + 1 :]
                    options.append((f"{last}, {' '.join(kept)}", f"middle name dropped: {g[i]}"))
            if len(s) == 2 and all(_letter_count(x) >= 3 for x in s) and s[0].lower() not in _PARTICLES:
                options.append((f"{s[0]}, {given}", f"second surname dropped: {s[1]}"))
            options = [o for o in options if len(_significant(o[0].replace(",", " ").split())) >= 2]
            return rng.choice(options) if options else None
        words = name.split()
        mids = [i for i in range(1, len(words) - 1) if words[i].lower() not in _PARTICLES]
        if len(words) >= 3 and mids:
            i = rng.choice(mids)
            return " ".join(words[:i] + words[i + 1 :]), f"middle name dropped: {words[i]}"
        return None
    if etype in ("organization", "company", "vessel"):
        found = _find_form(name)
        core = found[2] if found else name
        words = core.split()
        stop = {"AND", "OF", "THE", "FOR", "&", "DE", "LA", "EL", "AL"}
        mids = [
            i
            for i in range(1, len(words) - 1)
            if words[i].upper() not in stop and words[i].isalpha() and len(words[i]) >= 3
        ]
        if len(_significant(words)) >= 4 and mids:
            i = rng.choice(mids)
            new_core = " ".join(words[:i] + words[i + 1 :])
            return name.replace(core, new_core, 1), f"middle word dropped: {words[i]}"
    return None


def t_initials(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    """Given names cut to initials. The caller drops a query whose surname is too common."""
    if etype != "person":
        return None
    parts = split_person(name)
    if parts:
        last, given = parts
    else:
        words = name.split()
        if len(words) < 2:
            return None
        last, given = words[-1], " ".join(words[:-1])
    if _PERSON_TITLE.search(given):
        return None  # "Haji Agha Jan" -> "H. A. J." makes an initial of a title
    g = given.split()
    sig = [i for i, t in enumerate(g) if _letter_count(t) >= 2 and t.lower() not in _PARTICLES]
    if not sig or _letter_count(last) < 3:
        return None

    def initial(tok: str) -> str:
        return tok[0].upper() + "."

    options: list[tuple[list[str], str]] = []
    if len(sig) >= 2:
        kept = [initial(t) if i in sig[1:] else t for i, t in enumerate(g)]
        options.append((kept, "middle names to initials"))
    all_init = [initial(t) if i in sig else t for i, t in enumerate(g) if i in sig or t.lower() in _PARTICLES]
    options.append(([t for t in all_init if t.endswith(".")], "given names to initials"))
    new_given, how = rng.choice(options)
    if rng.random() < 0.5:
        return f"{last}, {' '.join(new_given)}", how
    return f"{' '.join(new_given)} {last}", how + " (natural order)"


_TITLES = ("Dr.", "Mr.", "Prof.", "Eng.")
_ARABIC_TITLES = ("Sheikh", "Haji", "Shaykh", "Mullah")
_SUFFIXES = ("Jr.", "Sr.")
_PERSON_TITLE = re.compile(
    r"(?<![\w])(haji|hajji|sheikh|shaykh|mullah|mawlawi|maulavi|qari|dr\.?|general|colonel|mr\.?|imam)(?![\w])\s*",
    re.IGNORECASE,
)
_VESSEL_PREFIX = re.compile(r"^(M/V|MV|M\.V\.|M/T|MT|M\.T\.)\s+", re.IGNORECASE)


def t_titles_suffixes(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    if etype == "person":
        m = _PERSON_TITLE.search(name)
        if m and _letter_count(_PERSON_TITLE.sub("", name)) >= 5:
            new = _clean_spaces(_PERSON_TITLE.sub("", name, count=1)).strip(" ,")
            new = new.replace(" ,", ",")
            if split_person(name) and not split_person(new):
                return None
            return new, f"title removed: {m.group(1)}"
        arabic = any(_ARABIC_HINT.match(w.group()) for w in _words(name))
        parts = split_person(name)
        kind = rng.random()
        if kind < 0.25 and not arabic:
            suffix = rng.choice(_SUFFIXES)
            base = natural_order(name)
            return f"{base} {suffix}", f"suffix added: {suffix}"
        title = rng.choice(_ARABIC_TITLES if arabic and rng.random() < 0.7 else _TITLES)
        if parts:
            return f"{parts[0]}, {title} {parts[1]}", f"title added: {title}"
        return f"{title} {name}", f"title added: {title}"
    if etype in ("organization", "company"):
        found = _find_form(name)
        if found:
            pos, form, rest = found
            group = _FORM_GROUP_OF.get(form.upper(), ())
            alts = [
                f for f in group if f.upper() != form.upper() and f.replace(".", "") != form.replace(".", "")
            ]
            if alts and rng.random() < 0.65:
                alt = rng.choice(alts)
                alt = alt if form.isupper() or not form.isalpha() else alt.title()
                new = f"{alt} {rest}" if pos == "lead" else f"{rest} {alt}"
                return new, f"legal form written another way: {form} -> {alt}"
            if _letter_count(rest) >= 4:
                return rest, f"legal form removed: {form}"
            return None
        words = {w.group().upper() for w in _words(name)}
        if words & _BUSINESS_WORDS and len(words) <= 5:
            form = rng.choice(("LLC", "LTD", "CO., LTD.", "INC.", "LIMITED", "CORPORATION"))
            form = form if name.isupper() else form.title()
            return f"{name} {form}", f"legal form added: {form}"
        return None
    if etype == "vessel":
        m = _VESSEL_PREFIX.match(name)
        if m:
            return name[m.end() :], f"vessel prefix removed: {m.group(1)}"
        prefix = rng.choice(("MV", "M/V", "M.T.", "MT"))
        return f"{prefix} {name}", f"vessel prefix added: {prefix}"
    return None


def t_punctuation(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    options: list[tuple[str, str]] = []
    if "-" in name:
        options.append((name.replace("-", " "), "hyphen -> space"))
        joined = (
            re.sub(r"(?<=\b\w{2})-|(?<=\b\w{3})-", "", name) if etype != "aircraft" else name.replace("-", "")
        )
        if joined != name:
            options.append((joined, "hyphen dropped (joined)"))
    if re.search(r"[.'\"()]", name) or ("," in name and etype != "person"):
        stripped = re.sub(r"[.'\"()]", "", name)
        if etype != "person":
            stripped = stripped.replace(",", " ")
        stripped = _clean_spaces(stripped)
        if stripped != name:
            options.append((stripped, "punctuation removed"))
    if etype == "person" and ", " in name:
        options.append((name.replace(", ", ",", 1), "space after comma removed"))
    m = re.search(r"\b(AL|EL|Al|El|al|el|ABU|Abu|ABD|Abd) (?=\w{3})", name)
    if m:
        options.append((_splice(name, m.end() - 1, m.end(), "-"), f"hyphen added after {m.group(1)}"))
    found = _find_form(name) if etype in ("organization", "company") else None
    if found and found[0] == "trail" and "," not in name[-len(found[1]) - 3 :]:
        options.append((f"{found[2]}, {found[1]}", "comma before the legal form"))
    if etype in ("organization", "company", "vessel") and "&" in name:
        options.append((name.replace("&", "AND" if name.isupper() else "and"), "& -> and"))
    if etype in ("organization", "company") and re.search(r"\bAND\b", name, re.IGNORECASE):
        options.append((re.sub(r"\bAND\b", "&", name, count=1, flags=re.IGNORECASE), "and -> &"))
    options = [o for o in options if o[0] != name and _letter_count(o[0]) == _letter_count(name)]
    # A missing space after the comma is the least interesting change: only when nothing else applies.
    richer = [o for o in options if o[1] != "space after comma removed"]
    return rng.choice(richer or options) if options else None


def t_case(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    options = [(name.lower(), "lower case"), (name.upper(), "upper case"), (name.title(), "title case")]
    options = [o for o in options if o[0] != name]
    return rng.choice(options) if options else None


# ---------------------------------------------------------------- adversarial

_HOMOGLYPHS: dict[str, tuple[str, ...]] = {
    "a": ("\u0430",),  # Cyrillic а
    "c": ("\u0441",),  # Cyrillic с
    "e": ("\u0435",),  # Cyrillic е
    "i": ("\u0456",),  # Cyrillic і
    "j": ("\u0458",),  # Cyrillic ј
    "o": ("\u043e", "\u03bf"),  # Cyrillic о, Greek ο
    "p": ("\u0440",),  # Cyrillic р
    "s": ("\u0455",),  # Cyrillic ѕ
    "v": ("\u03bd",),  # Greek ν
    "x": ("\u0445",),  # Cyrillic х
    "y": ("\u0443",),  # Cyrillic у
    "A": ("\u0410", "\u0391"),  # Cyrillic А, Greek Α
    "B": ("\u0412", "\u0392"),
    "C": ("\u0421",),
    "E": ("\u0415", "\u0395"),
    "H": ("\u041d", "\u0397"),
    "I": ("\u0406", "\u0399"),
    "J": ("\u0408",),
    "K": ("\u041a", "\u039a"),
    "M": ("\u041c", "\u039c"),
    "N": ("\u039d",),
    "O": ("\u041e", "\u039f"),
    "P": ("\u0420", "\u03a1"),
    "S": ("\u0405",),
    "T": ("\u0422", "\u03a4"),
    "X": ("\u0425", "\u03a7"),
    "Y": ("\u03a5",),
    "Z": ("\u0396",),
}


def t_homoglyphs(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    positions = [i for i, ch in enumerate(name) if ch in _HOMOGLYPHS]
    if not positions:
        return None
    k = min(len(positions), rng.choice((1, 2, 2, 3)))
    chars = list(name)
    notes = []
    for i in sorted(rng.sample(positions, k)):
        sub = rng.choice(_HOMOGLYPHS[name[i]])
        chars[i] = sub
        notes.append(f"{name[i]}->U+{ord(sub):04X}")
    return "".join(chars), "look-alike letters: " + ", ".join(notes)


_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


def t_zero_width(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    inside = [i for i in range(1, len(name)) if name[i - 1].isalnum() and name[i].isalnum()]
    if not inside:
        return None
    k = min(len(inside), rng.choice((1, 2, 3)))
    out = name
    notes = []
    for i in sorted(rng.sample(inside, k), reverse=True):
        zw = rng.choice(_ZERO_WIDTH)
        out = out[:i] + zw + out[i:]
        notes.append(f"U+{ord(zw):04X}@{i}")
    return out, "zero-width characters: " + ", ".join(reversed(notes))


def _is_form_word(word: str) -> bool:
    return word.upper() in _FORM_WORDS


def t_dropped_vowels(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    words = [m for m in _words(name) if len(m.group()) >= 5 and sum(c in _VOWEL for c in m.group()[1:]) >= 2]
    words = [m for m in words if not _is_form_word(m.group())]
    if not words:
        return None
    m = rng.choice(words)
    w = m.group()
    new = w[0] + "".join(c for c in w[1:] if c not in _VOWEL)
    return _splice(name, m.start(), m.end(), new), f"vowels dropped: {w} -> {new}"


def t_doubled_letters(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    # An evader changes the name, not its legal form.
    words = [m for m in _words(name) if _letter_count(m.group()) >= 4 and not _is_form_word(m.group())]
    doubles = [(m, i) for m in words for i in range(1, len(m.group())) if m.group()[i] == m.group()[i - 1]]
    doubles = [(m, i) for m, i in doubles if m.group()[i].isalpha()]
    if doubles and rng.random() < 0.5:
        m, i = rng.choice(doubles)
        w = m.group()
        new = w[:i] + w[i + 1 :]
        return _splice(name, m.start(), m.end(), new), f"double letter collapsed: {w} -> {new}"
    singles = [
        (m, i)
        for m in words
        for i in range(1, len(m.group()))
        if m.group()[i].lower() in "lsntrmfpdbkzgc"
        and m.group()[i - 1] != m.group()[i]
        and (i + 1 >= len(m.group()) or m.group()[i + 1] != m.group()[i])
    ]
    if not singles:
        return None
    m, i = rng.choice(singles)
    w = m.group()
    new = w[: i + 1] + w[i] + w[i + 1 :]
    return _splice(name, m.start(), m.end(), new), f"letter doubled: {w} -> {new}"


_PHONETIC_RULES: tuple[tuple[str, str, str], ...] = (
    (r"ph", "f", "ph/f"),
    (r"(?<=[aeiou])f(?=[aeiou])", "ph", "f/ph"),
    (r"c(?=[aou])", "k", "c/k"),
    (r"(?<!c)k(?=[aou])", "c", "k/c"),
    (r"ck", "k", "ck/k"),
    (r"(?<=[aeiou])k$", "ck", "k/ck"),
    (r"(?<=[aeiou])s(?=[aeiou])", "z", "s/z"),
    (r"z", "s", "z/s"),
    (r"ee", "i", "ee/i"),
    (r"(?<=[bcdfghjklmnpqrstvwxz])i(?=[bcdfghjklmnpqrstvwxz])", "ee", "i/ee"),
    (r"oo", "u", "oo/u"),
    (r"(?<=[bcdfghjklmnpqrstvwxz])u(?=[bcdfghjklmnpqrstvwxz])", "oo", "u/oo"),
    (r"x", "ks", "x/ks"),
    (r"ks", "x", "ks/x"),
    (r"th", "t", "th/t"),
    (r"gh", "g", "gh/g"),
    (r"w", "v", "w/v"),
    (r"(?<=\w)v", "w", "v/w"),
    (r"qu", "kw", "qu/kw"),
    (r"(?<=[bcdfghjklmnpqrstvwxz])y(?=[bcdfghjklmnpqrstvwxz])", "i", "y/i"),
    (r"(?<=[bcdfghjklmnpqrstvwxz])i$", "y", "i/y"),
    (r"(?<=[aeiou])d$", "t", "d/t"),
)


def t_phonetic(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    options = []
    for m in _words(name):
        low = m.group().lower()
        if len(low) < 3 or low.isdigit() or _is_form_word(low):
            continue
        for pattern, repl, label in _PHONETIC_RULES:
            new = re.sub(pattern, repl, low, count=1)
            if new != low:
                options.append((m, new, label))
    if not options:
        return None
    m, new, label = rng.choice(options)
    new = _like(m.group(), new)
    return _splice(name, m.start(), m.end(), new), f"{label}: {m.group()} -> {new}"


# ---------------------------------------------------------------- degraded

_OCR_RULES: tuple[tuple[str, str], ...] = (
    ("m", "rn"),
    ("rn", "m"),
    ("M", "RN"),
    ("RN", "M"),
    ("l", "1"),
    ("l", "I"),
    ("I", "l"),
    ("I", "1"),
    ("L", "1"),
    ("O", "0"),
    ("o", "0"),
    ("0", "O"),
    ("1", "l"),
    ("cl", "d"),
    ("d", "cl"),
    ("CL", "D"),
    ("D", "CL"),
    ("vv", "w"),
    ("w", "vv"),
    ("VV", "W"),
    ("W", "VV"),
    ("S", "5"),
    ("B", "8"),
    ("G", "6"),
    ("e", "c"),
    ("h", "li"),
)


def t_ocr(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    hits = [(m.start(), a, b) for a, b in _OCR_RULES for m in re.finditer(re.escape(a), name)]
    # Not the first letter of the whole name: OCR errors there are rarer and drop the anchor.
    hits = [h for h in hits if h[0] > 0]
    if not hits:
        return None
    k = 1 if len(hits) == 1 or rng.random() < 0.6 else 2
    chosen = sorted(rng.sample(hits, k), reverse=True)
    out = name
    notes = []
    last_start = len(name) + 10
    for start, a, b in chosen:
        if start + len(a) > last_start:
            continue
        out = out[:start] + b + out[start + len(a) :]
        notes.append(f"{a}->{b}")
        last_start = start
    return out, "OCR confusion: " + ", ".join(reversed(notes))


_QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _qwerty_neighbours() -> dict[str, str]:
    pos = {ch: (r, c) for r, row in enumerate(_QWERTY_ROWS) for c, ch in enumerate(row)}
    out: dict[str, str] = {}
    for ch, (r, c) in pos.items():
        near = []
        for other, (r2, c2) in pos.items():
            # Row offset: each row sits about half a key to the right of the one above.
            if other != ch and abs(r - r2) <= 1 and abs((c2 + 0.5 * r2) - (c + 0.5 * r)) <= 1.0:
                near.append(other)
        out[ch] = "".join(sorted(near))
    return out


QWERTY_NEIGHBOURS = _qwerty_neighbours()


def t_keyboard_typo(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    spots = [
        (m, i)
        for m in _words(name)
        if _letter_count(m.group()) >= 4
        for i in range(1, len(m.group()))
        if m.group()[i].lower() in QWERTY_NEIGHBOURS
    ]
    if not spots:
        return None
    m, i = rng.choice(spots)
    w = m.group()
    sub = rng.choice(QWERTY_NEIGHBOURS[w[i].lower()])
    sub = sub.upper() if w[i].isupper() else sub
    new = w[:i] + sub + w[i + 1 :]
    return _splice(name, m.start(), m.end(), new), f"adjacent key: {w} -> {new}"


def t_transposition(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    spots = [
        (m, i)
        for m in _words(name)
        if _letter_count(m.group()) >= 4
        for i in range(1, len(m.group()) - 1)
        if m.group()[i] != m.group()[i + 1] and m.group()[i].isalpha() and m.group()[i + 1].isalpha()
    ]
    if not spots:
        return None
    m, i = rng.choice(spots)
    w = m.group()
    new = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    return _splice(name, m.start(), m.end(), new), f"adjacent letters swapped: {w} -> {new}"


def t_truncation(name: str, etype: str, rng: random.Random) -> tuple[str, str] | None:
    words = _words(name)
    if len(words) < 2:
        return None
    m = words[-1]
    w = m.group()
    if len(w) < 5:
        return None
    keep = max(3, math.ceil(len(w) * rng.uniform(0.6, 0.8)))
    if keep >= len(w):
        return None
    return name[: m.start()] + w[:keep], f"last word cut to {keep}/{len(w)}: {w} -> {w[:keep]}"


TRANSFORMS: dict[str, Transform] = {
    "transliteration": t_transliteration,
    "diacritics": t_diacritics,
    "name_order": t_name_order,
    "dropped_middle": t_dropped_middle,
    "initials": t_initials,
    "titles_suffixes": t_titles_suffixes,
    "punctuation": t_punctuation,
    "case": t_case,
    "homoglyphs": t_homoglyphs,
    "zero_width": t_zero_width,
    "dropped_vowels": t_dropped_vowels,
    "doubled_letters": t_doubled_letters,
    "phonetic": t_phonetic,
    "ocr": t_ocr,
    "keyboard_typo": t_keyboard_typo,
    "transposition": t_transposition,
    "truncation": t_truncation,
}
# Classes that edit letters: only names of at least this many letters (a typo in a
# four-letter acronym makes another acronym, not a variant).
_MIN_LETTERS_FOR_EDITS = 6
_LETTER_EDITS = frozenset(
    {"dropped_vowels", "doubled_letters", "phonetic", "ocr", "keyboard_typo", "transposition", "truncation"}
)
# Classes whose transformation depends on the list's "LAST, First" layout.
_LISTED_LAYOUT = frozenset({"name_order", "dropped_middle", "initials", "titles_suffixes", "punctuation"})


# ---------------------------------------------------------------- the list, for guards


@dataclass(slots=True)
class _Variant:
    ref: str
    name: str
    entity_type: str
    tokens: tuple[str, ...]
    skel: frozenset[str]


class ListIndex:
    """Every listed name in normalised form, to keep labels honest."""

    def __init__(self, variants: Iterable[NameVariant]) -> None:
        self.variants: list[_Variant] = []
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_skel_key: dict[str, set[str]] = defaultdict(set)
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.token_postings: dict[str, set[int]] = defaultdict(set)
        for v in variants:
            tokens = self.tokens(v.name, v.entity_type)
            if not tokens:
                continue
            skel = frozenset(skeleton(t) for t in tokens)
            idx = len(self.variants)
            self.variants.append(_Variant(v.ref, v.name, v.entity_type, tokens, skel))
            self.by_key[" ".join(sorted(tokens))].add(v.ref)
            self.by_skel_key[" ".join(sorted(skel))].add(v.ref)
            for s in skel:
                self.postings[s].add(idx)
            for t in tokens:
                self.token_postings[t].add(idx)
        self.vocab = sorted(self.token_postings)
        self.vocab_by_skeleton: dict[str, list[str]] = defaultdict(list)
        for t in self.vocab:
            self.vocab_by_skeleton[skeleton(t)].append(t)
        self.sorted_texts = [" ".join(sorted(v.tokens)) for v in self.variants]
        self.df: Counter[str] = Counter(t for v in self.variants for t in set(v.tokens))

    @staticmethod
    def tokens(name: str, entity_type: str | None) -> tuple[str, ...]:
        etype = (
            entity_type
            if entity_type in ("person", "organization", "company", "vessel", "aircraft")
            else None
        )
        return normalize_name(name, etype).tokens

    def exact_refs(self, name: str, entity_type: str | None) -> set[str]:
        """References of listed names with the same words, or the same consonant skeletons, in any order."""
        tokens = self.tokens(name, entity_type)
        if not tokens:
            return set()
        refs = set(self.by_key.get(" ".join(sorted(tokens)), set()))
        refs |= self.by_skel_key.get(" ".join(sorted({skeleton(t) for t in tokens})), set())
        return refs

    def covering(self, name: str, entity_type: str | None) -> set[int]:
        """Listed names (indices) that contain every word (by skeleton) of ``name``."""
        tokens = [t for t in self.tokens(name, entity_type) if len(t) >= 2]
        if not tokens:
            return set()
        lists = sorted((self.postings.get(skeleton(t), set()) for t in tokens), key=len)
        common = set(lists[0])
        for other in lists[1:]:
            common &= other
            if not common:
                break
        return common

    def covering_refs(self, name: str, entity_type: str | None) -> set[str]:
        """References of listed names that contain every word (by skeleton) of ``name``."""
        return {self.variants[i].ref for i in self.covering(name, entity_type)}

    def nearest(self, name: str, entity_type: str | None) -> tuple[str, float] | None:
        """The closest listed name (rapidfuzz ratio of sorted normalised words) and its score."""
        tokens = self.tokens(name, entity_type)
        if not tokens:
            return None
        found = process.extractOne(" ".join(sorted(tokens)), self.sorted_texts, scorer=fuzz.ratio)
        if found is None:
            return None
        return self.variants[found[2]].name, float(found[1])

    def similar_tokens(self, token: str) -> set[str]:
        """Listed words that could be a spelling variant of ``token``."""
        out = {t for t in self.vocab_by_skeleton.get(skeleton(token), ())}
        out.add(token)
        if len(token) >= 4:
            out.update(
                t
                for t, _, _ in process.extract(
                    token, self.vocab, scorer=fuzz.ratio, score_cutoff=TOKEN_VARIANT_RATIO, limit=None
                )
            )
        return out

    def fuzzy_covering(self, tokens: Sequence[str]) -> list[tuple[int, list[str]]]:
        """Listed names with a spelling variant of every one of ``tokens``, and their other words."""
        if not tokens:
            return []
        per_token = [self.similar_tokens(t) for t in tokens]
        sets = []
        for similar in per_token:
            found: set[int] = set()
            for t in similar:
                found |= self.token_postings.get(t, set())
            sets.append(found)
        sets.sort(key=len)
        common = set(sets[0])
        for other in sets[1:]:
            common &= other
        out = []
        matched = set().union(*per_token)
        for i in sorted(common):
            out.append((i, [t for t in self.variants[i].tokens if t not in matched]))
        return out

    def contained(self, tokens: Sequence[str]) -> int | None:
        """A listed name (index) all of whose words (by skeleton) are among ``tokens``, if any."""
        skels = {skeleton(t) for t in tokens}
        seen: set[int] = set()
        for s in skels:
            for i in self.postings.get(s, ()):
                if i not in seen:
                    seen.add(i)
                    if self.variants[i].skel <= skels:
                        return i
        return None

    def negative_problem(self, name: str, entity_type: str) -> str | None:
        """Why ``name`` cannot serve as a negative control, or None if it can."""
        if not self.tokens(name, entity_type):
            return "no tokens"
        refs = self.exact_refs(name, entity_type)
        if refs:
            return f"listed (same words): {sorted(refs)[:3]}"
        tokens = self.tokens(name, entity_type)
        for i, extra in self.fuzzy_covering(tokens):
            v = self.variants[i]
            if entity_type == "person" or all(self.df[t] >= COMMON_WORD_DF for t in extra):
                return f"every word has a spelling variant in listed name {v.name!r} ({v.ref})"
        contained = self.contained(tokens)
        if contained is not None:
            v = self.variants[contained]
            return f"contains the whole listed name {v.name!r} ({v.ref})"
        text = " ".join(sorted(tokens))
        for _, score, i in process.extract(
            text, self.sorted_texts, scorer=fuzz.ratio, limit=10, score_cutoff=NEGATIVE_GUARD_RATIO
        ):
            v = self.variants[i]
            if entity_type == "person" or len(v.tokens) == len(tokens):
                return f"too close to listed {v.name!r} ({v.ref}, {score:.0f})"
        return None


# ---------------------------------------------------------------- generation


def source_pool(variants: Iterable[NameVariant], index: ListIndex) -> dict[str, list[NameVariant]]:
    """Names to draw from, by entity type: primary names and strong aliases with no namesake."""
    pool: dict[str, list[NameVariant]] = defaultdict(list)
    for v in variants:
        if v.weak or _letter_count(v.name) < 4 or v.entity_type not in TYPE_WEIGHTS:
            continue
        tokens = index.tokens(v.name, v.entity_type)
        if not tokens or len(index.by_key.get(" ".join(sorted(tokens)), set())) > 1:
            continue
        pool[v.entity_type].append(v)
    return dict(pool)


def _draw_type(rng: random.Random, live: Sequence[str]) -> str:
    return rng.choices(list(live), weights=[TYPE_WEIGHTS[t] for t in live])[0]


def _positives(
    class_: str, quota: int, pool: dict[str, list[NameVariant]], index: ListIndex, seed: int
) -> list[Case]:
    rng = random.Random(f"{seed}:{class_}")
    transform = TRANSFORMS[class_]
    failures: Counter[str] = Counter()
    used: set[str] = set()
    cases: list[Case] = []
    attempts = 0
    while len(cases) < quota and attempts < quota * 400:
        attempts += 1
        live = [t for t in sorted(pool) if failures[t] < 400]
        if not live:
            break
        etype = _draw_type(rng, live)
        v = rng.choice(pool[etype])
        if v.ref in used or (class_ in _LETTER_EDITS and _letter_count(v.name) < _MIN_LETTERS_FOR_EDITS):
            failures[etype] += 1
            continue
        base, layout = v.name, ""
        if etype == "person" and class_ not in _LISTED_LAYOUT and split_person(v.name) and rng.random() < 0.5:
            base, layout = natural_order(v.name), " [written First LAST]"
        made = transform(base, etype, rng)
        if made is None or made[0] == base or not made[0].strip():
            failures[etype] += 1
            continue
        query, how = made
        qtype = query_type(etype, rng)
        covering = index.covering_refs(query, etype)
        if len(covering - {v.ref}) >= MAX_COVERING:
            failures[etype] += 1
            continue
        failures[etype] = 0
        used.add(v.ref)
        cases.append(
            Case(
                case_id=f"{class_}-{len(cases) + 1:04d}",
                query=query,
                entity_type=qtype,
                expected_ref=v.ref,
                family=FAMILY_OF[class_],
                class_=class_,
                how=how + layout,
                source_name=v.name,
            )
        )
    return cases


def _person_parts(v: NameVariant) -> tuple[str, str] | None:
    """(first given name, first surname word) of a listed person written "LAST, First"."""
    parts = split_person(v.name)
    if not parts:
        return None
    surname = [t for t in parts[0].split() if t.lower() not in _PARTICLES and _letter_count(t) >= 3]
    given = [t for t in parts[1].split() if t.lower() not in _PARTICLES and _letter_count(t) >= 3]
    if not surname or not given:
        return None
    return given[0], surname[0]


_COMMON_SURNAMES = _wordlist(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson "
    "Thompson White Harris Clark Lewis Robinson Walker Young Allen Wright Scott Green Baker Adams Nelson "
    "Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris "
    "Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood "
    "Watson Brooks Bennett Gray Hughes Price Sanders Myers Long Ross Foster Schmidt Schneider Fischer "
    "Weber Meyer Wagner Becker Hoffmann Koch Richter Klein Wolf Neumann Schwarz Zimmermann Braun Hartmann "
    "Lange Werner Krause Lehmann Dubois Lefebvre Moreau Laurent Fournier Girard Bonnet Dupont Lambert "
    "Fontaine Rousseau Vincent Mercier Blanc Guerin Boyer Garnier Chevalier Rossi Russo Ferrari Esposito "
    "Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa Giordano Mancini Rizzo Lombardi "
    "Jansen Visser Smit Bakker Mulder Bos Vos Peters Hendriks Dekker Nilsson Lindqvist Johansson Larsson "
    "Kowalski Nowak Wisniewski Wojcik Kaminski Lewandowski Zielinski Szymanski Nakamura Tanaka Watanabe "
    "Yamamoto Kobayashi Okafor Adeyemi Mensah Owusu Kamau Otieno Mwangi Banda Phiri Dlamini Nkosi"
)


def _negatives_crossed(
    quota: int, pool: dict[str, list[NameVariant]], index: ListIndex, seed: int
) -> list[Case]:
    rng = random.Random(f"{seed}:crossed_names")
    people = [(v, p) for v in pool.get("person", []) if (p := _person_parts(v))]
    cases: list[Case] = []
    seen: set[str] = set()
    for _ in range(quota * 60):
        if len(cases) >= quota:
            break
        (a, (first, _a_last)), (b, (_b_first, last)) = rng.sample(people, 2)
        if skeleton(last.lower()) == skeleton(_a_last.lower()) or skeleton(first.lower()) == skeleton(
            _b_first.lower()
        ):
            continue
        query = f"{last}, {first}" if rng.random() < 0.5 else f"{first} {last}"
        if query.lower() in seen or index.negative_problem(query, "person"):
            continue
        seen.add(query.lower())
        cases.append(
            Case(
                f"crossed_names-{len(cases) + 1:04d}",
                query,
                query_type("person", rng),
                None,
                "negative",
                "crossed_names",
                f"first name of {a.ref} ({a.name}) + surname of {b.ref} ({b.name})",
                "",
            )
        )
    return cases


def _negatives_swapped(
    quota: int, pool: dict[str, list[NameVariant]], index: ListIndex, seed: int
) -> list[Case]:
    rng = random.Random(f"{seed}:swapped_tokens")
    stop = {
        "AND",
        "OF",
        "THE",
        "FOR",
        "DE",
        "LA",
        "EL",
        "AL",
        "CO",
        "LTD",
        "LLC",
        "INC",
        "COMPANY",
        "LIMITED",
    }
    things = [v for t in ("organization", "vessel") for v in pool.get(t, [])]
    cases: list[Case] = []
    seen: set[str] = set()
    for _ in range(quota * 60):
        if len(cases) >= quota:
            break
        a, b = rng.sample(things, 2)
        words_a = [m for m in _words(a.name) if m.group().isalpha() and len(m.group()) >= 3]
        words_a = [m for m in words_a if m.group().upper() not in stop and not _is_form_word(m.group())]
        words_b = [m.group() for m in _words(b.name) if m.group().isalpha() and len(m.group()) >= 3]
        words_b = [w for w in words_b if w.upper() not in stop and w.upper() not in a.name.upper()]
        # Short names only, and their most distinctive (rarest) word replaced: what is left is no
        # longer enough to name the entity.
        if not 2 <= len(words_a) <= 3 or not words_b:
            continue
        m = min(words_a, key=lambda w: (index.df[w.group().lower()], w.start()))
        new_word = _like(m.group(), rng.choice(words_b))
        query = _splice(a.name, m.start(), m.end(), new_word)
        if query.lower() in seen or index.negative_problem(query, a.entity_type):
            continue
        seen.add(query.lower())
        cases.append(
            Case(
                f"swapped_tokens-{len(cases) + 1:04d}",
                query,
                query_type(a.entity_type, rng),
                None,
                "negative",
                "swapped_tokens",
                f"{m.group()!r} in {a.ref} ({a.name}) replaced by {new_word!r} from {b.ref} ({b.name})",
                "",
            )
        )
    return cases


_CONSONANTS = "bcdfghjklmnpqrstvwxz"
# Substitutions that sound alike would make a plausible variant, not a different name.
_SOUND_ALIKE = {
    frozenset(p) for p in ("ck", "cs", "sz", "fv", "bp", "dt", "gk", "kq", "mn", "jg", "wv", "lr")
}


def _random_edits(
    word_spans: list[re.Match[str]], name: str, n: int, rng: random.Random
) -> tuple[str, list[str]]:
    """``n`` edits (consonant substitutions, deletions, insertions) at distinct spots."""
    positions = [i for m in word_spans for i in range(m.start(), m.end()) if name[i].isalpha()]
    spots = sorted(rng.sample(positions, min(n, len(positions))), reverse=True)
    out = name
    notes = []
    for i in spots:
        ch = out[i]
        op = rng.choice(("sub", "sub", "del", "ins"))
        if op == "sub":
            sub = rng.choice(
                [c for c in _CONSONANTS if c != ch.lower() and frozenset((c, ch.lower())) not in _SOUND_ALIKE]
            )
            sub = sub.upper() if ch.isupper() else sub
            out = out[:i] + sub + out[i + 1 :]
            notes.append(f"{ch}->{sub}")
        elif op == "del":
            out = out[:i] + out[i + 1 :]
            notes.append(f"-{ch}")
        else:
            ins = rng.choice(_CONSONANTS)
            ins = ins.upper() if ch.isupper() else ins
            out = out[:i] + ins + out[i:]
            notes.append(f"+{ins}")
    return out, notes


def _negatives_edits(
    quota: int, pool: dict[str, list[NameVariant]], index: ListIndex, seed: int
) -> list[Case]:
    rng = random.Random(f"{seed}:implausible_edits")
    shorts = [
        v for t in sorted(pool) for v in pool[t] if 6 <= _letter_count(v.name) <= 16 and t != "aircraft"
    ]
    cases: list[Case] = []
    seen: set[str] = set()
    for _ in range(quota * 60):
        if len(cases) >= quota:
            break
        v = rng.choice(shorts)
        words = [m for m in _words(v.name) if m.group().isalpha() and not _is_form_word(m.group())]
        if not words:
            continue
        n = 3 if _letter_count(v.name) <= 11 else 4
        query, notes = _random_edits(words, v.name, n, rng)
        if query.lower() in seen or query == v.name or index.negative_problem(query, v.entity_type):
            continue
        seen.add(query.lower())
        cases.append(
            Case(
                f"implausible_edits-{len(cases) + 1:04d}",
                query,
                query_type(v.entity_type, rng),
                None,
                "negative",
                "implausible_edits",
                f"{len(notes)} random edits ({', '.join(notes)}) to {v.ref} ({v.name})",
                "",
            )
        )
    return cases


def _negatives_surname(
    quota: int, pool: dict[str, list[NameVariant]], index: ListIndex, seed: int
) -> list[Case]:
    rng = random.Random(f"{seed}:different_surname")
    # Given names of one or two words: the surname is a real part of the name.
    people = [v for v in pool.get("person", []) if (p := split_person(v.name)) and len(p[1].split()) <= 2]
    cases: list[Case] = []
    seen: set[str] = set()
    for _ in range(quota * 60):
        if len(cases) >= quota:
            break
        v = rng.choice(people)
        last, given = split_person(v.name) or ("", "")
        surname = rng.choice(_COMMON_SURNAMES)
        surname = surname.upper() if last.isupper() else surname
        query = f"{surname}, {given}" if rng.random() < 0.5 else f"{given} {surname}"
        if query.lower() in seen or index.negative_problem(query, "person"):
            continue
        seen.add(query.lower())
        cases.append(
            Case(
                f"different_surname-{len(cases) + 1:04d}",
                query,
                query_type("person", rng),
                None,
                "negative",
                "different_surname",
                f"given names of {v.ref} ({v.name}) with the surname {surname}",
                "",
            )
        )
    return cases


# Ordinary company names, written by hand. Each is checked against the list at generation time.
COMMON_COMPANIES: tuple[str, ...] = (
    "International Trading Company",
    "Global Logistics LLC",
    "Golden Star Shipping",
    "United Construction Group",
    "Pacific Ocean Fisheries Ltd",
    "Northern Lights Consulting",
    "Blue Sky Investments Inc.",
    "Green Valley Farms",
    "Silver Line Transport Co.",
    "Eastern Star Electronics",
    "Royal Crown Hotels",
    "Sunrise Textiles Limited",
    "First National Insurance Company",
    "Atlantic Marine Services",
    "Continental Food Products",
    "Premier Medical Supplies",
    "Alpha Engineering Solutions",
    "Delta Freight Forwarding",
    "Omega Software Systems",
    "Summit Capital Partners",
    "Metro Building Materials",
    "Horizon Travel Agency",
    "Evergreen Paper Mills",
    "Crystal Clear Water Company",
    "Liberty Auto Parts",
    "Diamond Jewellery House",
    "Central Pharmacy Ltd",
    "Rainbow Garments Factory",
    "Phoenix Security Services",
    "Harbour View Properties",
    "Oriental Carpet Gallery",
    "Modern Furniture Company",
    "Prime Steel Fabricators",
    "Coastal Cargo Handling",
    "Unity Microfinance Bank",
    "Heritage Coffee Roasters",
    "Bright Future Education Centre",
    "Emerald Agro Industries",
    "Falcon Air Charter",
    "Mountain Spring Beverages",
    "City Express Couriers",
    "Victory Sports Equipment",
    "Golden Harvest Rice Mill",
    "Precision Tools Manufacturing",
    "Sapphire Cosmetics",
    "Silk Road Tourism",
    "Red Sea Diving Centre",
    "Desert Rose Catering",
    "Southern Cross Mining",
    "Galaxy Mobile Phones",
    "Grand Plaza Shopping Mall",
    "Allied Packaging Industries",
    "National Cement Works",
    "Universal Printing Press",
    "Lotus Flower Restaurant",
    "Nova Biotech Laboratories",
    "Orchid Garden Landscaping",
    "Iron Bridge Engineering",
    "Clearwater Plumbing Services",
    "Swift Couriers Limited",
    "Maple Leaf Dairy",
    "Pearl River Garments",
    "Blue Ocean Seafood Export",
    "Green Energy Solar Solutions",
    "Star Bright Cleaning Services",
    "Capital City Taxis",
    "Sunshine Poultry Farm",
    "Ever Growth Fertilizers",
    "Highland Tea Estates",
    "Kingdom Furniture Gallery",
    "Smart Home Appliances",
    "Sterling Accounting Services",
    "Trans Continental Moving Company",
    "Alliance Healthcare Group",
    "Pioneer Seeds Company",
    "Sky High Scaffolding",
    "Golden Gate Import Export",
    "Lighthouse Marine Supplies",
    "Vertex Data Centre",
    "Oasis Water Purification",
)
_COMPANY_ADJ = _wordlist(
    "Golden Silver Royal Global United National Eastern Western Northern Southern Pacific Atlantic Grand "
    "Prime Bright New Modern Star Sun Blue Green Red Crystal Diamond Pearl Eagle Falcon Lion Tiger Ocean "
    "Mountain River Lake Sky Summit Pioneer Premier Unity Victory Liberty Heritage Crown Orient Euro Asia"
)
_COMPANY_NOUN = _wordlist(
    "Trading Logistics Shipping Construction Textiles Electronics Engineering Consulting Investments "
    "Foods Pharmaceuticals Motors Plastics Packaging Furniture Travel Energy Mining Metals Steel Chemicals "
    "Software Media Properties Hotels Fisheries Agro Transport Supplies Services Industries Ventures"
)
_COMPANY_FORM = (
    "",
    "",
    "LLC",
    "Ltd",
    "Co.",
    "Inc.",
    "Group",
    "Limited",
    "Corporation",
    "FZE",
    "GmbH",
    "S.A.",
)


def _negatives_companies(quota: int, index: ListIndex, seed: int) -> list[Case]:
    rng = random.Random(f"{seed}:common_company")
    names = list(COMMON_COMPANIES)
    made = [
        " ".join(
            p for p in (rng.choice(_COMPANY_ADJ), rng.choice(_COMPANY_NOUN), rng.choice(_COMPANY_FORM)) if p
        )
        for _ in range(quota * 4)
    ]
    cases: list[Case] = []
    seen: set[str] = set()
    for name, how in [(n, "hand-written common company name") for n in names] + [
        (n, "common words: adjective + trade + legal form") for n in made
    ]:
        if len(cases) >= quota:
            break
        if rng.random() < 0.3:
            name = name.upper()
        if name.lower() in seen or index.negative_problem(name, "organization"):
            continue
        seen.add(name.lower())
        cases.append(
            Case(
                f"common_company-{len(cases) + 1:04d}",
                name,
                query_type("organization", rng),
                None,
                "negative",
                "common_company",
                how,
                "",
            )
        )
    return cases


def generate(
    variants: Sequence[NameVariant],
    seed: int = DEFAULT_SEED,
    quotas: dict[str, int] | None = None,
    index: ListIndex | None = None,
) -> list[Case]:
    """The labelled evaluation set: positives by class, then negatives."""
    quotas = {**QUOTAS, **(quotas or {})}
    index = index or ListIndex(variants)
    pool = source_pool(variants, index)
    cases: list[Case] = []
    for class_, transform_quota in quotas.items():
        if class_ in TRANSFORMS:
            cases += _positives(class_, transform_quota, pool, index, seed)
    cases += _negatives_swapped(quotas["swapped_tokens"], pool, index, seed)
    cases += _negatives_crossed(quotas["crossed_names"], pool, index, seed)
    cases += _negatives_edits(quotas["implausible_edits"], pool, index, seed)
    cases += _negatives_surname(quotas["different_surname"], pool, index, seed)
    cases += _negatives_companies(quotas["common_company"], index, seed)
    return cases


def counts(cases: Iterable[Case]) -> tuple[Counter[str], Counter[str]]:
    """(cases per family, cases per class)."""
    fam: Counter[str] = Counter()
    cls: Counter[str] = Counter()
    for c in cases:
        fam[c.family] += 1
        cls[c.class_] += 1
    return fam, cls


def write_csv(cases: Iterable[Case], path: Path) -> None:
    """The set as CSV (one row per case), to read or to freeze."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([f.name for f in fields(Case)])
        for case in cases:
            writer.writerow(["" if x is None else x for x in astuple(case)])


def main() -> None:
    """Print the set's make-up and a few cases of each class (or write it as CSV).

    Run from the repository root: python -m tests.benchmarks.evalset [--csv FILE]
    """
    import argparse

    from tests.benchmarks.entries import sdn_entries

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--csv", type=Path, help="write the cases to this CSV file")
    parser.add_argument("--show", type=int, default=3, help="cases to show per class")
    args = parser.parse_args()
    cases = generate(sdn_entries(), args.seed)
    fam, cls = counts(cases)
    print(dict(fam))
    print(dict(cls))
    if args.csv:
        write_csv(cases, args.csv)
    by_class: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by_class[c.class_].append(c)
    for class_, items in by_class.items():
        for c in items[: args.show]:
            print(f"{class_:18} {c.query!r:50} <- {c.source_name!r} | {c.how}")


if __name__ == "__main__":
    main()
