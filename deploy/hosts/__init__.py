"""The stack on several hosts: which host runs what (plan), test hosts as network namespaces on this
machine (netns), and the stack started on them (stack). `make hosts` (evaluation/hosts.py) uses it
as residents and a caseworker would."""
