from tml.core.config.base_config import BaseConfig
from tml.core.config.config_load import load_config_from_yaml

# Make mypy happy by explicitly rexporting the symbols intended for end user use.
__all__ = ["BaseConfig", "load_config_from_yaml"]
