"""Services schedule tasks by their registered names (marketplace.task_names)."""

from __future__ import annotations

import pytest

from marketplace.task_names import task_named


def test_a_task_is_found_by_its_registered_name():
    task = task_named("marketplace.check_organisation_in_registry")
    assert task.name == "marketplace.check_organisation_in_registry"
    assert callable(task.delay)


def test_an_unknown_name_is_an_error_at_once():
    with pytest.raises(LookupError, match=r"marketplace\.no_such_task"):
        task_named("marketplace.no_such_task")
