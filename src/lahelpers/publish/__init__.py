"""Where pages are made: the runner that executes the notebooks in parallel (``run``, with
``kernels``, ``folders`` and ``manifest``) and the offline HTML report writer (``report``, with its
HTML, CSS and JavaScript in ``templates/``)."""
