"""The briefing stage: the daily (and weekly, monthly) public-opinion briefing, 舆情日报."""
