"""Survey-tool exports (LimeSurvey, ...) read into the programme's codebook and answers."""
