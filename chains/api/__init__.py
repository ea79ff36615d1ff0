"""The API for other systems: the statistics bureau submits figures, the data platform reads."""
