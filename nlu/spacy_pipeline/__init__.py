"""The project's own spaCy pipeline: blank English, lookup lemmas and rule-based entities.

Pretrained spaCy models can't be downloaded where this runs, and none knows the
borough's street and estate names anyway, so `build.py` assembles one from rules.
"""
