"""Dashboards: the pages where CX teams read the analysis (overview, teams, comments, themes,
funnel, integrity). Every number comes from `survey.insights` queries under one filter."""
