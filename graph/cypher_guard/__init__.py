"""Screening of untrusted Cypher: lexical bounds, a real parser, an allow-list, row caps.

`graph.untrusted` is the entry point; the steps live in `lexical`, `structure` and
`rowcap`.
"""

__all__: list[str] = []
