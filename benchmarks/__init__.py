"""Performance benchmarks: `python -m benchmarks` (or `./run.sh bench`) prints one table.

Each measurement is taken against a reference measured in the same run on the same
machine, so the ratio means something even on a slow or busy computer. Anything whose
result depends on what a process has already loaded (start-up time, memory, event-loop
stalls) runs in a fresh subprocess. See docs/performance.md for the recorded results.
"""
