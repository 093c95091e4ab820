import pytest
from django.core.exceptions import ValidationError

from enterprises.credit_code import make_credit_code, validate_credit_code

# Real codes of well-known companies, as printed on their business licences.
REAL_CODES = [
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110000802100433B",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    "code,fragment",
    [
        ("9144030071526726XA", "校验位"),  # wrong check character
        ("914403001922038217", "校验位"),
        ("91440300715267", "18位"),  # too short
        ("9144030071526726XG1", "18位"),  # too long
        ("91440300715267I6XG", "非法字符"),  # I is not in the alphabet
        ("9144030071526726xg", "非法字符"),  # lower case
        ("91440300７1526726XG", "非法字符"),  # full-width digit
    ],
)
def test_bad_codes_are_refused_with_a_clear_message(code, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert fragment in " ".join(exc.value.messages)


def test_make_credit_code_produces_valid_codes():
    for body in ("91130529000000001", "12100000400000000", "Y1110000MA0000000"):
        validate_credit_code(make_credit_code(body))
