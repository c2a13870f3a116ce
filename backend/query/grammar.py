"""The query language's grammar (lark, LALR with a contextual lexer).

Keywords are case-insensitive and only reserved where they can occur, so ``labels.in`` or
``meta.order`` still name a label or a key; anything else (spaces, dots, quotes) is quoted:
``labels."traffic light"``. See docs/query.md for the language itself.
"""

from __future__ import annotations

# Keyword terminals carry priority 2 so they win over NAME where both may follow, and a negative
# lookahead so that ``nothing`` or ``order`` stay names.
GRAMMAR = r"""
?start: expr

?expr: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: _NOT not_expr -> negation
         | atom
?atom: comparison
     | "(" expr ")"

comparison: field COMP_OP value          -> compare
          | field _IN list               -> in_list
          | field _NOT _IN list          -> not_in_list
          | field CONTAINS value         -> contains
          | field STARTSWITH value       -> startswith

field: segment ("." segment)*
?segment: NAME | STRING | STAR

?value: STRING | NUMBER | DATE | TRUE | FALSE | NULL
list: "[" [value ("," value)* ","?] "]"

_OR.2: /or(?![A-Za-z0-9_-])/i
_AND.2: /and(?![A-Za-z0-9_-])/i
_NOT.2: /not(?![A-Za-z0-9_-])/i
_IN.2: /in(?![A-Za-z0-9_-])/i
CONTAINS.2: /contains(?![A-Za-z0-9_-])/i
STARTSWITH.2: /startswith(?![A-Za-z0-9_-])/i
TRUE.2: /true(?![A-Za-z0-9_-])/i
FALSE.2: /false(?![A-Za-z0-9_-])/i
NULL.2: /null(?![A-Za-z0-9_-])/i

COMP_OP: "==" | "!=" | "<=" | ">=" | "=" | "<" | ">"
NAME: /[A-Za-z_][A-Za-z0-9_-]*/
STAR: "*"
STRING: /'(?:[^'\\\n]|\\.)*'/ | /"(?:[^"\\\n]|\\.)*"/
DATE.3: /\d{4}-\d{2}-\d{2}(?:[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?(?![A-Za-z0-9_-])/
NUMBER: /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/

%import common.WS
%ignore WS
"""
