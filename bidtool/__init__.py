"""bidtool: bid assessment for the Transformation Challenge Award."""
