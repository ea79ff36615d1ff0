"""The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a
31-character alphabet, the last one a check character over the first 17."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why a code is not valid, in Chinese; None when it is."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，「{code}」为 {len(code)} 位"
    bad = sorted({ch for ch in code if ch not in VALUES})
    if bad:
        return f"统一社会信用代码「{code}」含有不允许的字符：{''.join(bad)}"
    if check_character(code[:17]) != code[17]:
        return f"统一社会信用代码「{code}」校验位不正确"
    return None


def normalise(code) -> str:
    return str(code or "").strip().upper().replace(" ", "")


def generate(rng, prefix: str = "91350200") -> str:
    """A valid code with random body, for demo and benchmark data (rng: random.Random)."""
    first = prefix + "".join(rng.choice(ALPHABET) for _ in range(17 - len(prefix)))
    return first + check_character(first)
