"""Natural-language understanding: training data, the spaCy pipeline and custom Rasa components."""
