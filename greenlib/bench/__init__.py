"""``make bench``: timings of the report build and of cleaning, as ratios against a floor
measured in the same run (never timed tests).

* :mod:`.timing` — a timed subprocess (wall, CPU, peak memory), the machine's facts, medians;
* :mod:`.report` — the report build against its floor (empty notebooks) and a naive CLI chain;
* :mod:`.scale` — cleaning at 1×/10×/100× plan size and builds of many reports;
* ``python -m greenlib.bench`` — the command line (``__main__``).

The two benches share :mod:`.timing` and never import each other.
"""
