"""The catalog domain: models, the service layer both protocols call, and the seed command."""
