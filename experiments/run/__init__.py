"""Training through the run cache: recipes fitted (fitting), identified by behaviour (identity), kept (cache), the models, the profiles, the machine."""
