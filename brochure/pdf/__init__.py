"""The PDF layer: what is checked on or done to a PDF (fonts and text layer, tagging,
prepress, incremental updates, page images)."""
