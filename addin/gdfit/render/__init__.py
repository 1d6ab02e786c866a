"""Renderers: draw a ``gdfit.report.model.Report`` into a workbook.

``render.xlsx`` writes files with openpyxl (headless, Linux, CI); ``render.live`` draws into a
running Excel through xlwings. Both take every position, range and text rule from the report
model, so they differ only in how a cell, a table or a chart is spelled for their target.
Submodules are imported on demand: the live renderer must not pull in openpyxl, nor the file
renderer xlwings.
"""
