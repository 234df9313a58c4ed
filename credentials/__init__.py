"""Secrets and access tokens: the Django secret and the RS256 key material (keys.py), and the
access-token contract every verifier applies (tokens.py)."""
