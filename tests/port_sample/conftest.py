"""The sample pydantic v1 project is read by the port tests, not collected as tests."""

collect_ignore = ["tml", "v2"]
