"""Decisions a panel can defend: agreement and calibration, robustness, the best portfolio, assignment.

Numerical (numpy, scipy, networkx) and still pure: no framework, database or I/O. Nothing else in
the core imports this package, so that `import bidtool.core` and its other modules load none of it.
"""
