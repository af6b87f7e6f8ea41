"""The intake window (新建申请): household, members, income and assets, application, summary."""

from ui.intake.dialog import IntakeDialog

__all__ = ["IntakeDialog"]
