"""The home survey form (入户调查表) of the survey laptop."""
