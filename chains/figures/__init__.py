"""The statistics bureau's figures: reading their spreadsheets safely (workbook), making sense
of their layouts (layout), and importing them as revisions: reading, validating, writing."""
