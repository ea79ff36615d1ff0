"""The reporting app's pages, one module per part: monthly updates and the dashboard,
coordination, work plans, land items, the districts' assessment and the reports."""
