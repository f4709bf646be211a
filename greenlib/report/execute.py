"""Run a parameterised notebook with papermill, writing the executed notebook once.

``papermill.execute_notebook`` writes the whole output notebook when the run starts and at
the start and end of every cell, so that a notebook that crashes half-way can be read. Reports only need the
file at the end, and on failure. :func:`run_notebook` therefore asks papermill not to save
on each cell (``request_save_on_cell_execute=False``; papermill then writes the file once
when the run succeeds, or once with its error marker when a cell raises) and runs the
notebook through the ``greenplan`` engine below, which writes what ran so far when the run
stops for any other reason (a cell timeout, a dead kernel), so a failed report still keeps
its executed notebook for debugging.

The engine also accepts an already started kernel (``km``): see :mod:`greenlib.report.kernels`.
Either way the kernel is a build kernel (:class:`~greenlib.report.kernels.BuildKernelManager`):
its report shows a placeholder where the Vega bundle goes, and the bundle is put into the
page by the HTML export (:func:`greenlib.report.render.inject_bundle`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.iorw import write_ipynb

ENGINE = "greenplan"


class WriteOnceEngine(NBClientEngine):
    """nbclient engine without per-cell saves; ``failure_path`` gets the notebook when the
    run stops with an exception papermill does not save itself."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None,
                         progress_bar: bool = False, log_output: bool = False,
                         autosave_cell_every: int = 0, failure_path: str | None = None,
                         **kwargs: Any) -> Any:
        nb_man = NotebookExecutionManager(nb, output_path=None, progress_bar=False,
                                          log_output=log_output, autosave_cell_every=0)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        except BaseException:
            nb_man.notebook_complete()
            if failure_path:
                write_ipynb(nb_man.nb, failure_path)
            raise
        nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register(ENGINE, WriteOnceEngine)


def run_notebook(notebook: str | Path, output: str | Path, parameters: dict[str, Any], *,
                 cwd: str | Path, timeout: int, km: Any = None) -> Any:
    """Execute ``notebook`` with ``parameters`` into ``output`` (written once); returns the
    executed notebook. ``km``: a started ``KernelManager`` to run in (it is not shut down);
    without one, nbclient starts a :class:`~greenlib.report.kernels.BuildKernelManager`."""
    import papermill as pm

    from .kernels import BuildKernelManager

    extra: dict[str, Any] = ({"km": km} if km is not None
                             else {"kernel_manager_class": BuildKernelManager})
    return pm.execute_notebook(
        str(notebook), str(output), parameters=parameters,
        kernel_name="python3", cwd=str(cwd), engine_name=ENGINE,
        request_save_on_cell_execute=False, failure_path=str(output),
        progress_bar=False, log_output=False, report_mode=True,
        execution_timeout=timeout,
        # passed through papermill's engine to nbclient.NotebookClient: without it the
        # graceful kernel shutdown stalls ~3.5 s in about one run of 15–20.
        shutdown_kernel="immediate",
        **extra,
    )
