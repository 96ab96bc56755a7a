"""The labs' delivery loop: workbooks out (``template``), checked data back in (``collect``).

workbook.py: layout shared by writer and reader; template.py: XlsxWriter
templates; read.py: python-calamine reader; plausibility.py: checks against
earlier periods; collect.py: recognise, check with validate's rules, merge,
revisions, register; feedback.py: marked copy and HTML page; tables.py:
the data folder's tables; cli.py: the two commands.
"""
