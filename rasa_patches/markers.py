"""What the project's actions and its patch to Rasa's forms agree on."""

# In a bot message's metadata: the form's validation action asked the question for this slot already,
# so the form does not call the slot's ask action (rasa_patches/forms.py).
ASKED_IN_VALIDATION = "asked_for_slot"
