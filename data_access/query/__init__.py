"""The filter grammar (ARCHITECTURE §5): a query string parsed into a typed Query, within bounds (the search's
length and words, the number of filters), and said in French. The engine (engine/sql.py) turns it into SQL.

grammar.py holds the Query and its values, parsing.py one parser per parameter, words.py the French."""
from __future__ import annotations

from data_access.query.grammar import (GRAMMAR_KEYS, GRAMMAR_PREFIXES, MAX_FILTERS, MAX_Q_LENGTH, MAX_Q_WORDS, Alias,
                                       FilterError, Period, Query, facet_text, fold, fold_text, is_grammar_key, last,
                                       parse_date_value, query_pairs, selected_texts, whole_number)
from data_access.query.parsing import PARSERS, field_value, parse_query
from data_access.query.words import describe_param, describe_query

__all__ = ["Alias", "GRAMMAR_KEYS", "GRAMMAR_PREFIXES", "MAX_FILTERS", "MAX_Q_LENGTH", "MAX_Q_WORDS", "PARSERS", "FilterError",
           "Period", "Query", "describe_param", "describe_query", "facet_text", "field_value", "fold", "fold_text",
           "is_grammar_key", "last", "parse_date_value", "parse_query", "query_pairs", "selected_texts",
           "whole_number"]
