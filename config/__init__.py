"""Settings the three services share: the one reader of the environment (env.py), the base
Django settings each service's settings.py builds on, and logging."""
