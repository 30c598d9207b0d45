"""A pydantic v2 training project, written as such projects are: the v2 half of the port's sample."""
