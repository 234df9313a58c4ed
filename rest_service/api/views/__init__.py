"""The catalog's resources as DRF view sets: thin adapters from HTTP to shared_models."""
