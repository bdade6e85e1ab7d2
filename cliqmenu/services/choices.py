"""How many options a customer must and may choose in a customization group: one rule for the
customer's picker, the cart, the order API and the Owner's menu editor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class ChoiceGroup(Protocol):
    """Any group with the three stored settings (effective, master or view)."""

    @property
    def min_choices(self) -> int: ...

    @property
    def max_choices(self) -> int: ...

    @property
    def required(self) -> bool: ...


@dataclass(frozen=True)
class ChoiceRule:
    """At least ``least`` and at most ``most`` options; ``least`` > 0 means the group is required."""

    least: int
    most: int

    @property
    def required(self) -> bool:
        return self.least > 0

    @property
    def text(self) -> str:
        """ "Choose 1", "Optional, up to 3", "Choose 1 to 2": what the customer is asked."""
        if self.least == self.most:
            return f"Choose {self.least}"
        if self.least == 0:
            return f"Optional, up to {self.most}"
        return f"Choose {self.least} to {self.most}"

    def too_few(self, count: int) -> bool:
        return count < self.least

    def too_many(self, count: int) -> bool:
        return count > self.most


def choice_rule(group: ChoiceGroup) -> ChoiceRule:
    """The rule a group sets: Required means at least one choice, whatever Min says."""
    return ChoiceRule(
        least=max(group.min_choices, 1 if group.required else 0), most=group.max_choices
    )
