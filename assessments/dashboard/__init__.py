"""The city dashboard and the facilitator's home (issue 7).

selectors (aggregates in the database, a fixed number of queries) → blocks (the
tables of numbers, shared by the page and the exports) → charts (pure figure
builders) → views and templates.
"""
