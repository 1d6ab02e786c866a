"""gdfit inside Excel: worksheet functions, the Train macro, and the add-in file.

``udfs``      the ``=GD_FIT(...)`` family, thin ``@xw.func`` wrappers (classic xlwings add-in)
``functions`` what each worksheet function computes, over ``gdfit.core``, with a result cache
``convert``   Excel-shaped arguments (rows of cells, blanks, text, error values) to arrays
``macros``    ``train(book)``: the ribbon's Train button; ``main()`` is the RunPython entry point
``addin``     builds ``gdfit.xlam`` from xlwings' ribbon template and installs it

Nothing here is imported by ``import gdfit``; xlwings is imported only where it is needed.
"""
