"""A pytest plugin (loaded by tests/conftest.py) that keeps every collected test run.

Why it exists: pytest 9.2 builds an item's node id from ``originalname`` plus the
parametrize call spec. schemathesis names each operation's item
``test_x[GET /api/v1/...]`` but passes the bare function name as ``originalname`` and
no call spec, so all of a schema's items got one and the same node id. A serial run
does not care; pytest-xdist does: its ``loadfile``/``loadscope`` schedulers queue work
by node id, so 48 fuzz cases collapsed into one and ``make test`` ran a single case.

Three things here:

* every schemathesis item gets a node id of its own, ``name[METHOD /path]``;
* the operations each schemathesis test collected are recorded (``collected_operations``)
  so that tests/security/test_fuzz.py can compare them with the schema;
* a run whose collection holds duplicate node ids, or that finishes "green" having run
  fewer items than it collected, fails.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

_OPERATIONS = pytest.StashKey[dict[str, list[str]]]()
_EXPECTED = pytest.StashKey[list[str]]()


def _is_schemathesis(item) -> bool:
    return type(item).__name__ == "SchemathesisFunction" and hasattr(item, "operation_label")


def pytest_itemcollected(item) -> None:
    if not _is_schemathesis(item):
        return
    label = item.operation_label or item.name
    if item.nodeid == f"{item.parent.nodeid}::{item.originalname}":
        item._id = item.parent.id.child(item.originalname).with_params(label)
    key = f"{item.module.__name__}::{item.originalname}"
    item.config.stash.setdefault(_OPERATIONS, defaultdict(list))[key].append(item.nodeid)


def collected_node_ids(config, module: str, function: str) -> list[str] | None:
    """The node ids of the items ``module::function`` collected in this process (one per
    operation), or None when that test was not collected here (deselected, another file)."""
    found = config.stash.get(_OPERATIONS, {}).get(f"{module}::{function}")
    return list(found) if found else None


def _duplicates(ids) -> list[str]:
    return sorted(nodeid for nodeid, n in Counter(ids).items() if n > 1)


def _refuse_duplicates(ids) -> None:
    dupes = _duplicates(ids)
    if dupes:
        shown = "\n  ".join(dupes[:10])
        raise pytest.UsageError(
            f"{len(dupes)} node id(s) are shared by several tests; pytest-xdist would run "
            f"only one of each:\n  {shown}"
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items) -> None:
    if getattr(config, "workerinput", None) is not None:
        return  # an xdist worker: the controller checks the collection it receives
    ids = [item.nodeid for item in items]
    _refuse_duplicates(ids)
    config.stash[_EXPECTED] = ids


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids) -> None:
    _refuse_duplicates(ids)
    node.config.stash[_EXPECTED] = list(ids)


def pytest_configure(config) -> None:
    config.pluginmanager.register(_RunCounter(config), "tests-support-run-counter")


class _RunCounter:
    """Counts the items that finished (their teardown report), on the process that
    reports: the xdist controller or the single pytest process."""

    def __init__(self, config) -> None:
        self.config = config
        self.ran: Counter = Counter()

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "teardown":
            self.ran[report.nodeid] += 1

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus) -> None:
        if getattr(self.config, "workerinput", None) is not None:
            return
        if exitstatus != pytest.ExitCode.OK or session.shouldstop or session.shouldfail:
            return  # -x, a failure or an interrupt: a short run is expected then
        option = self.config.option
        if (
            option.collectonly
            or getattr(option, "setuponly", False)
            or getattr(option, "setupplan", False)
        ):
            return  # nothing was meant to run
        expected = self.config.stash.get(_EXPECTED, None)
        if expected is None:
            return
        missing = [nodeid for nodeid in expected if self.ran[nodeid] == 0]
        if missing:
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            shown = "\n  ".join(missing[:10])
            message = f"{len(missing)} of {len(expected)} collected tests never ran:\n  {shown}"
            if reporter is not None:
                reporter.write_line(message, red=True, bold=True)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
