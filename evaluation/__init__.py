"""Model evaluation and benchmarks: commands that print the figures quoted in the README and docs/."""
