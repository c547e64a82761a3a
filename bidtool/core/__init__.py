"""The pure core of bidtool: standard library only, no I/O frameworks."""
