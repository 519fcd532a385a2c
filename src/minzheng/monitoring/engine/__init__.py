"""Population screening engine (低收入人口动态监测预警): declarative rules (`rules`) run set-based over a
monthly data-exchange snapshot on DuckDB or Spark (`runner`)."""

from .runner import Policy, policy_from_fixture, prepare, screen

__all__ = ["Policy", "policy_from_fixture", "prepare", "screen"]
