"""The check character of the unified social credit code (GB 32100-2015), against answers
worked out by hand rather than by the module's own tables: a wrong weight or alphabet in
chains/creditcode.py would otherwise check itself and pass."""

import pytest

from chains import creditcode

# Worked by hand with the standard's weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 and
# alphabet 0-9 A-H J-N P Q R T U W X Y (values 0..30); check = (31 - sum mod 31) mod 31.
KNOWN_ANSWERS = [
    # The standard's own example:
    # 9×1 + 1×3 + 3×9 + 5×27 + 0×19 + 1×26 + 0×16 + 0×17 + M=21×20 + 0×29 + 0×25 + 0×13
    # + 1×8 + 0×24 + 0×10 + Y=30×30 + 4×28 = 1640; 1640 mod 31 = 28; 31 - 28 = 3.
    ("91350100M000100Y4", "3"),
    # Every position non-zero, so every weight counts:
    # 1×1 + 2×3 + 3×9 + 4×27 + 5×19 + 6×26 + 7×16 + 8×17 + 9×20 + A=10×29 + B=11×25
    # + C=12×13 + D=13×8 + E=14×24 + F=15×10 + G=16×30 + H=17×28 = 3088;
    # 3088 mod 31 = 19; 31 - 19 = 12 = C.
    ("123456789ABCDEFGH", "C"),
    # The top of the alphabet, backwards (Y=30 X=29 W=28 U=27 T=26 R=25 Q=24 P=23 N=22 M=21
    # L=20 K=19 J=18 H=17 G=16 F=15 E=14): sum 6367; 6367 mod 31 = 12; 31 - 12 = 19 = K.
    ("YXWUTRQPNMLKJHGFE", "K"),
    # The sum a multiple of 31: the check is 0, not the out-of-range 31.
    # 1×(1+3+9+27+19+26+16+17+20+29+25+13+8+24+10+30) + L=20×28 = 277 + 560 = 837 = 27×31.
    ("1111111111111111L", "0"),
]

# Codes as printed on well-known companies' published business licences, each verified by hand
# with the rule above. The names are recalled, not looked up here: the codes themselves are what
# the test relies on (a mistyped code would still have to satisfy the check digit, 1 in 31).
PUBLISHED = {
    "91440300708461136T": "腾讯科技（深圳）有限公司",
    "914403001922038216": "华为技术有限公司",
    "91330100716105852F": "阿里巴巴（中国）有限公司",
    "91110108551385082Q": "小米科技有限责任公司",
    "91110000802100433B": "北京百度网讯科技有限公司",
}


@pytest.mark.parametrize(("first17", "check"), KNOWN_ANSWERS)
def test_check_character_known_answers(first17, check):
    assert creditcode.check_character(first17) == check
    assert creditcode.problem(first17 + check) is None


def test_known_answers_exercise_every_weight():
    """A changed weight only shows where its position holds a non-zero character."""
    for position in range(17):
        assert any(first17[position] != "0" for first17, _ in KNOWN_ANSWERS), position


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_published_codes_are_valid(code):
    assert creditcode.problem(code) is None
    assert creditcode.check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_any_other_check_character_is_refused(code):
    for other in creditcode.ALPHABET.replace(code[17], ""):
        assert (
            creditcode.problem(code[:17] + other)
            == f"统一社会信用代码「{code[:17]}{other}」校验位不正确"
        )


@pytest.mark.parametrize("letter", "IOSVZ")
def test_letters_outside_the_alphabet_are_refused(letter):
    code = "91350100M000100Y4" + letter
    assert "不允许的字符" in creditcode.problem(code)


def test_every_character_outside_the_alphabet_is_named_once_in_order():
    code = "91350100M000100YOI"
    assert creditcode.problem(code) == "统一社会信用代码「91350100M000100YOI」含有不允许的字符：IO"


@pytest.mark.parametrize("first", ["91350100M000100Y", "91350100M000100Y43"])
def test_the_check_character_is_only_worked_out_over_exactly_17_characters(first):
    with pytest.raises(ValueError):
        creditcode.check_character(first)


def test_a_code_typed_with_spaces_and_small_letters_is_read_as_printed():
    assert creditcode.normalise(" 9135 0100m000 100y43 ") == "91350100M000100Y43"
    assert creditcode.normalise(None) == ""


def test_generated_codes_are_xiamens_and_valid():
    import random

    rng = random.Random(446)
    codes = [creditcode.generate(rng) for _ in range(50)]
    assert all(code.startswith("91350200") and creditcode.problem(code) is None for code in codes)
    assert len(set(codes)) == 50
