"""One decoding rule for every text file a user uploads (the matrix, units and officials csv,
the working-day calendar csv), each caller keeping its own Chinese message."""

import pytest

from chains.matrix import io as matrix_io
from portal.textfiles import decode_text
from reporting.periods import calendar_io

TEXT = "日期,类型,备注\n2027-01-01,休,元旦\n"
NEITHER = TEXT.encode("utf-8") + b"\xff\xff"  # neither UTF-8 nor GB18030


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_utf8_with_or_without_bom_and_gb18030_read_the_same(encoding):
    assert decode_text(TEXT.encode(encoding)) == TEXT


def test_a_file_in_neither_encoding_is_refused_in_each_callers_words():
    with pytest.raises(UnicodeDecodeError):
        decode_text(NEITHER)
    with pytest.raises(matrix_io.MatrixFileError, match="无法识别 CSV 文件的编码"):
        matrix_io.decode_csv(NEITHER)
    with pytest.raises(calendar_io.CalendarFileError, match="无法识别文件编码"):
        calendar_io.parse_csv(NEITHER)
