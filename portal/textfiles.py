"""The one rule for reading a text file a user uploads (the matrix, units and officials csv in
`load_matrix` and the admin, the working-day calendar csv): Excel and WPS on Chinese Windows
save csv as GB18030; everything else is UTF-8, perhaps with a BOM. Each caller turns a refusal
into its own Chinese message."""


def decode_text(data: bytes) -> str:
    """`data` as text: UTF-8 (a BOM dropped), else GB18030. Raises UnicodeDecodeError when it
    is neither."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")
