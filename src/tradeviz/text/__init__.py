"""Text: measures turned into words and tables for people, one way everywhere: number formats (``numbers``),
Markdown prose for notebooks (``prose``), command-line summaries (``summaries``) and the styled tables of the
reports (``tables``).  A module here formats what it is given (DataFrames, measure results) and draws nothing; a
new kind of textual output (another format or audience) goes in a new module here.
"""
