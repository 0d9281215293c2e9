"""Everything that draws on a terminal or an export file. The only package that imports Rich."""
