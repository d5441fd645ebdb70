from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.news.amounts import find_amounts, parse_number
from compliance.news.categories import categorize


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("l'amende de 892 millions de dollars infligée", 892_000_000, "USD"),
        ("a $1.19 billion penalty", 1_190_000_000, "USD"),
        ("paid USD 100,871,266 to OFAC", 100_871_266, "USD"),
        ("eine Strafe von 892 Millionen US-Dollar", 892_000_000, "USD"),
        ("una multa de 892 millones de dólares", 892_000_000, "USD"),
        ("1.500 millones de euros", 1_500_000_000, "EUR"),
        ("1,5 milliard d'euros", 1_500_000_000, "EUR"),
        ("3 milliards de yuans", 3_000_000_000, "CNY"),
        ("支付了8.92亿美元罚款", 892_000_000, "USD"),
        ("£ 20 million", 20_000_000, "GBP"),
    ],
)
def test_amounts_in_five_languages(text: str, amount: int, currency: str) -> None:
    found = find_amounts(text)
    assert [(a.value, a.currency) for a in found] == [(Decimal(amount), currency)]


def test_numbers_without_currency_are_not_amounts() -> None:
    assert find_amounts("In 2017 the 5G network covered 892 million people.") == []


def test_separators() -> None:
    assert parse_number("1 500,25") == Decimal("1500.25")
    assert parse_number("8.92") == Decimal("8.92")
    assert parse_number("1.500.000") == Decimal(1_500_000)


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        (
            "ZTE a plaidé coupable et paiera une amende pour avoir violé l'embargo.",
            "fr",
            ["sanctions", "fines"],
        ),
        (
            "Die Bank wird der Geldwäsche und der Bestechung beschuldigt.",
            "de",
            ["bribery", "money_laundering"],
        ),
        ("Acusado de financiación del terrorismo y fraude.", "es", ["fraud", "terrorism_financing"]),
        ("该公司因洗钱被罚款。", "zh", ["fines", "money_laundering"]),
        ("Huawei opened a new research centre in Paris.", "en", []),
    ],
)
def test_categories(sentence: str, language: str, expected: list[str]) -> None:
    assert categorize(sentence, language) == expected
