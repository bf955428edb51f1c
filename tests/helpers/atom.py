"""An Atom validator for the tests: RFC 4287's own RELAX NG schema (tests/fixtures/atom.rnc, converted by rnc2rng
and checked by lxml), and its two Schematron rules, checked here by XPath."""
from __future__ import annotations

import functools

from tests.helpers.paths import FIXTURES

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@functools.cache
def _schema():
    import rnc2rng
    from lxml import etree

    grammar = rnc2rng.dumps(rnc2rng.loads((FIXTURES / "atom.rnc").read_text(encoding="utf-8")))
    # the default namespace `local = ""` is written as an xmlns prefix for it, which XML forbids; and the xml
    # prefix is XML's own: neither declaration is needed by the grammar
    grammar = grammar.replace('xmlns:local=""', "").replace('xmlns:xml="http://www.w3.org/XML/1998/namespace"', "")
    return etree.RelaxNG(etree.fromstring(grammar.encode()))


def valid_atom(body: bytes):
    """The feed's XML tree; AssertionError naming what makes it invalid Atom."""
    from lxml import etree

    tree = etree.fromstring(body)
    schema = _schema()
    assert schema.validate(tree), str(schema.error_log)
    entries = tree.findall("a:entry", ATOM)
    assert tree.find("a:author", ATOM) is not None or all(e.find("a:author", ATOM) is not None for e in entries)
    for entry in entries:  # an alternate link or a content
        assert entry.xpath("a:link[@rel='alternate'] or a:link[not(@rel)] or a:content", namespaces=ATOM)
    return tree
