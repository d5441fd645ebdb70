"""Money amounts written out in news text: "892 millions de dollars" = USD 892,000,000.

Handled: a number (with thousands separators in the English, French, German or
Spanish way, and a decimal comma or point), an optional scale word (thousand,
million, milliard/billion, Mio., Mrd., millones, 万, 亿...) and a currency
before or after it ($, US$, USD, dollars, €, euros, £, yuan, RMB, 元...).
A bare number without a currency is not an amount.

The number's separators are read this way: a separator followed by exactly
three digits is a thousands separator ("1,500", "1.500", "1 500"); otherwise
it is the decimal mark ("1,5 milliard", "8.92亿").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Scale words, longest first within the alternation. Spanish "mil millones" is
# a thousand million; "billion" is 10^9 (short scale, as news in English uses it).
_SCALES: list[tuple[str, int]] = [
    (r"mil\s+millones", 10**9),
    (r"milliards?|mrd\.?|milliarden?|millardos?|billions?|bn\b|b\b|md\b|mds\b", 10**9),
    (r"millions?|millionen|millones|mill[oó]n|mio\.?|mn\b|m\b", 10**6),
    (r"thousand|mille|tausend|mil\b|k\b", 10**3),
    (r"亿", 10**8),
    (r"万", 10**4),
    (r"千", 10**3),
]
_CURRENCY_AFTER: list[tuple[str, str]] = [
    (r"(?:de\s+|d')?(?:dollars?\s+(?:am[ée]ricains?|US)|US[- ]?dollars?|dollars?\s+estadounidenses)", "USD"),
    (r"(?:de\s+|d')?(?:dollars?|dólares|dolares)", "USD"),
    (r"US-Dollar|Dollar", "USD"),
    (r"USD|US\$|\$", "USD"),
    (r"美元|美金", "USD"),
    (r"(?:d'|de\s+)?(?:euros?|EUR|€)|Euro", "EUR"),
    (r"欧元", "EUR"),
    (r"(?:de\s+)?(?:yuans?|renminbi|RMB|CNY)", "CNY"),
    (r"元人民币|人民币|元", "CNY"),
    (r"(?:de\s+)?(?:livres sterling|pounds?(?: sterling)?|GBP|£)|Pfund", "GBP"),
    (r"英镑", "GBP"),
]
_CURRENCY_BEFORE: list[tuple[str, str]] = [
    (r"US\$|USD|\$", "USD"),
    (r"EUR|€", "EUR"),
    (r"GBP|£", "GBP"),
    (r"CNY|RMB|¥", "CNY"),
]

_NUMBER = r"\d{1,3}(?:(?:[ \u00a0\u202f]|[.,'])\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = "|".join(f"(?:{p})" for p, _ in _SCALES)
_AFTER = "|".join(f"(?:{p})" for p, _ in _CURRENCY_AFTER)
_BEFORE = "|".join(f"(?:{p})" for p, _ in _CURRENCY_BEFORE)

_PATTERN = re.compile(
    rf"(?:(?P<cur1>{_BEFORE})\s?(?P<num1>{_NUMBER})(?:\s?(?P<scale1>{_SCALE}))?(?![\w]))"
    rf"|(?:(?<![0-9A-Za-z.,])(?P<num2>{_NUMBER})\s?(?:(?P<scale2>{_SCALE})\s?)?(?P<cur2>{_AFTER})(?![A-Za-z]))",
    re.IGNORECASE,
)
_SCALE_RES = [(re.compile(rf"(?:{p})$", re.IGNORECASE), v) for p, v in _SCALES]
_AFTER_RES = [(re.compile(rf"(?:{p})$", re.IGNORECASE), c) for p, c in _CURRENCY_AFTER]
_BEFORE_RES = [(re.compile(rf"(?:{p})$", re.IGNORECASE), c) for p, c in _CURRENCY_BEFORE]


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str
    text: str
    start: int
    end: int

    def as_json(self) -> dict[str, object]:
        value: object = int(self.value) if self.value == self.value.to_integral_value() else str(self.value)
        return {"amount": value, "currency": self.currency, "text": self.text}


def parse_number(text: str) -> Decimal | None:
    """ "1,500" -> 1500; "1.500.000" -> 1500000; "1,5" -> 1.5; "8.92" -> 8.92; "1 500,25" -> 1500.25."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("'", " ")
    text = text.replace(" ", "")
    seps = [ch for ch in text if ch in ".,"]
    if seps:
        last = max(text.rfind("."), text.rfind(","))
        decimals = text[last + 1 :]
        if len(set(seps)) == 2:
            whole = text[:last].replace(".", "").replace(",", "")
            text = f"{whole}.{decimals}"
        elif len(seps) > 1 or len(decimals) == 3:
            text = text.replace(".", "").replace(",", "")
        else:
            text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _lookup(text: str | None, table: list[tuple[re.Pattern[str], str]]) -> str | None:
    if not text:
        return None
    for pattern, value in table:
        if pattern.fullmatch(text.strip()):
            return value
    return None


def _scale(text: str | None) -> int:
    if not text:
        return 1
    for pattern, value in _SCALE_RES:
        if pattern.fullmatch(text.strip()):
            return value
    return 1


def find_amounts(text: str) -> list[Amount]:
    """Every money amount in ``text``, in order."""
    found: list[Amount] = []
    for m in _PATTERN.finditer(text):
        if m.group("num1"):
            number, scale, currency = (
                m.group("num1"),
                m.group("scale1"),
                _lookup(m.group("cur1"), _BEFORE_RES),
            )
        else:
            number, scale, currency = m.group("num2"), m.group("scale2"), _lookup(m.group("cur2"), _AFTER_RES)
        value = parse_number(number)
        if value is None or currency is None:
            continue
        amount = value * _scale(scale)
        if amount == amount.to_integral_value():
            amount = amount.quantize(Decimal(1))
        found.append(Amount(amount, currency, m.group().strip(), m.start(), m.end()))
    return found
