"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-symbol alphabet (digits and capital letters without
I, O, Z, S, V). The 18th is a check character: with the weights below,
C18 = 31 - (Σ value·weight mod 31), where 31 maps to 0.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    if not isinstance(value, str) or len(value) != 18:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="length")
    bad = sorted({ch for ch in value if ch not in _VALUES})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有非法字符：%(chars)s（不使用 I、O、Z、S、V 和小写字母）。"),
            code="characters",
            params={"chars": "".join(bad)},
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误（应为 %(expected)s）。"),
            code="check_digit",
            params={"expected": expected},
        )


def make_credit_code(body17: str) -> str:
    """Complete 17 characters with their check character (for demo and test data)."""
    return body17 + check_character(body17)
