"""Quiz use-case cores (pure): the round, the worksheet, interview points."""
