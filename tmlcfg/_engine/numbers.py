"""The ready-made constrained number types (importing them imports annotated-types)."""

from __future__ import annotations

from typing import Annotated

import annotated_types as at

PositiveInt = Annotated[int, at.Gt(0)]
NonNegativeInt = Annotated[int, at.Ge(0)]
PositiveFloat = Annotated[float, at.Gt(0)]
NonNegativeFloat = Annotated[float, at.Ge(0)]
